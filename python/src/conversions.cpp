// SPDX-License-Identifier: MIT
#include "conversions.hpp"

#include <cmath>
#include <string>

namespace py = pybind11;

namespace kmq::python {

namespace {

py::bytes as_bytes(const std::vector<std::uint8_t>& data) {
  return py::bytes(reinterpret_cast<const char*>(data.data()), data.size());
}

std::vector<std::uint8_t> bytes_of(const py::handle& value, const char* key) {
  if (!py::isinstance<py::bytes>(value) && !py::isinstance<py::bytearray>(value))
    throw py::type_error(std::string("metadata '") + key + "' must be bytes");
  const std::string text = py::isinstance<py::bytes>(value)
                               ? value.cast<std::string>()
                               : py::reinterpret_borrow<py::bytearray>(value).cast<std::string>();
  return {text.begin(), text.end()};
}

py::object psnr_value(double psnr) {
  return std::isfinite(psnr) ? py::object(py::float_(psnr)) : py::object(py::none());
}

}  // namespace

py::dict metadata_dict(const Metadata& m) {
  py::dict d;
  if (!m.icc_profile.empty()) {
    d["icc_profile"] = as_bytes(m.icc_profile);
    d["icc_profile_name"] = m.icc_profile_name;
  }
  if (!m.exif.empty()) d["exif"] = as_bytes(m.exif);
  if (!m.xmp.empty()) d["xmp"] = m.xmp;
  if (!m.text.empty()) {
    py::list entries;
    for (const TextEntry& entry : m.text) {
      py::dict e;
      e["keyword"] = entry.keyword;
      e["language"] = entry.language;
      e["translated_keyword"] = entry.translated_keyword;
      e["text"] = entry.text;
      entries.append(e);
    }
    d["text"] = entries;
  }
  if (m.srgb_intent) d["srgb_intent"] = *m.srgb_intent;
  if (m.gamma) d["gamma"] = *m.gamma / 100000.0;
  if (m.chromaticities) {
    const Chromaticities& c = *m.chromaticities;
    d["chromaticities"] = py::make_tuple(
        c.white_x / 100000.0, c.white_y / 100000.0, c.red_x / 100000.0, c.red_y / 100000.0,
        c.green_x / 100000.0, c.green_y / 100000.0, c.blue_x / 100000.0, c.blue_y / 100000.0);
  }
  if (m.density) {
    d["density"] = py::make_tuple(m.density->x, m.density->y,
                                  m.density->unit == 1 ? "per_metre" : "aspect_ratio");
  }
  return d;
}

Metadata metadata_from_dict(const py::dict& values) {
  Metadata m;
  for (const auto& [key_handle, value] : values) {
    const std::string key = py::str(key_handle).cast<std::string>();
    if (value.is_none()) continue;
    if (key == "icc_profile") {
      m.icc_profile = bytes_of(value, "icc_profile");
      if (m.icc_profile_name.empty()) m.icc_profile_name = "ICC profile";
    } else if (key == "icc_profile_name") {
      m.icc_profile_name = value.cast<std::string>();
    } else if (key == "exif") {
      m.exif = bytes_of(value, "exif");
    } else if (key == "xmp") {
      m.xmp = value.cast<std::string>();
    } else if (key == "text") {
      for (const auto& item : value) {
        TextEntry entry;
        if (py::isinstance<py::dict>(item)) {
          const py::dict e = py::reinterpret_borrow<py::dict>(item);
          entry.keyword = e["keyword"].cast<std::string>();
          entry.text = e["text"].cast<std::string>();
          if (e.contains("language")) entry.language = e["language"].cast<std::string>();
          if (e.contains("translated_keyword"))
            entry.translated_keyword = e["translated_keyword"].cast<std::string>();
        } else {
          const py::tuple pair = py::reinterpret_borrow<py::tuple>(item);
          entry.keyword = pair[0].cast<std::string>();
          entry.text = pair[1].cast<std::string>();
        }
        m.text.push_back(entry);
      }
    } else {
      throw py::value_error("unknown metadata key '" + key +
                            "' (icc_profile, icc_profile_name, exif, xmp or text)");
    }
  }
  validate(m);
  return m;
}

py::dict file_info_dict(const FileInfo& info) {
  py::dict d;
  d["version"] = info.version;
  d["width"] = info.width;
  d["height"] = info.height;
  d["channels"] = info.channels;
  d["palette_size"] = info.palette_size;
  d["label_coding"] = info.label_coding;
  d["label_coding_name"] = label_coding_name(info.label_coding);
  d["label_tiles"] = info.label_tiles;
  d["label_strips"] = info.label_strips;
  d["file_size"] = info.file_size;
  d["label_bytes"] = info.label_bytes;
  d["bits_per_pixel"] = 8.0 * static_cast<double>(info.file_size) /
                        (static_cast<double>(info.width) * static_cast<double>(info.height));
  py::list chunks;
  for (const ChunkInfo& chunk : info.chunks) {
    py::dict c;
    c["type"] = chunk.type;
    c["offset"] = chunk.offset;
    c["length"] = chunk.length;
    chunks.append(c);
  }
  d["chunks"] = chunks;
  d["metadata"] = metadata_dict(info.metadata);
  return d;
}

py::dict quantize_stats_dict(const QuantizeStats& stats) {
  py::dict d;
  d["method"] = method_name(stats.method);
  d["colors"] = stats.colors;
  d["iterations"] = stats.iterations;
  d["inertia"] = stats.inertia;
  d["log_likelihood"] = stats.log_likelihood;
  d["mse"] = stats.mse;
  d["psnr"] = psnr_value(stats.mse > 0 ? 10 * std::log10(255.0 * 255.0 / stats.mse) : INFINITY);
  d["trials"] = stats.trials;
  d["distinct_colors"] = stats.distinct_colors;
  return d;
}

py::dict encode_result_dict(const tools::FileResult& r, const tools::EncodeRequest& request) {
  // kmqenc --json's fields, from the function that prints them, then the statistics.
  py::dict d;
  for (const tools::ResultField& field : tools::result_fields(r, request)) {
    const char* name = field.name.c_str();
    if (const bool* flag = std::get_if<bool>(&field.value)) {
      d[name] = *flag;
    } else if (const std::size_t* count = std::get_if<std::size_t>(&field.value)) {
      d[name] = *count;
    } else if (const auto* number = std::get_if<tools::ResultField::Number>(&field.value)) {
      d[name] = number->value ? py::object(py::float_(*number->value)) : py::object(py::none());
    } else {
      d[name] = std::get<std::string>(field.value);
    }
  }
  d["width"] = r.width;
  d["height"] = r.height;
  d["channels"] = r.channels;
  d["stats"] = quantize_stats_dict(r.stats);
  d["metadata"] = metadata_dict(r.metadata);
  return d;
}

py::dict decode_result_dict(const tools::DecodeResult& r, const tools::DecodeSettings& settings) {
  py::dict d;
  d["input"] = r.input;
  d["output"] = r.output;
  d["format"] = tools::extension_of(settings.format);
  d["bytes"] = r.output_bytes;
  d["input_bytes"] = r.info.file_size;
  d["width"] = r.info.width;
  d["height"] = r.info.height;
  d["channels"] = r.info.channels;
  d["colors"] = r.info.palette_size;
  d["label_coding"] = r.info.label_coding;
  d["seconds"] = r.milliseconds / 1000;
  if (!settings.reference.empty()) d["psnr"] = psnr_value(r.psnr);
  return d;
}

}  // namespace kmq::python
