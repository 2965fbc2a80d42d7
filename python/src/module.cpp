// SPDX-License-Identifier: MIT
// kmq._kmq: the codec and the tools' per-file work for Python. The Python package (kmq/)
// turns keyword arguments into kmqenc's long options and gives the public names; this module
// checks arrays, releases the GIL and hands results back without copies.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "command_line.hpp"
#include "compare/compare_study.hpp"
#include "compare/report_html.hpp"
#include "compare/study_tables.hpp"
#include "conversions.hpp"
#include "errors.hpp"
#include "kmqdec_decoding.hpp"
#include "kmqenc_encoding.hpp"
#include "kmqenc_request.hpp"

namespace py = pybind11;

namespace kmq::python {

namespace {

// The request and its options as kmqenc reads `options`, with --palette's file read.
tools::EncodeRequest request_from_options(const std::vector<std::string>& options) {
  tools::EncodeRequest request = tools::parse_kmqenc_options(options);
  tools::load_fixed_palette(request);
  request.encode.threads = request.jobs;
  return request;
}

// Warnings, gathered from any thread, to be issued as Python warnings with the GIL back.
class WarningList {
 public:
  io::WarningHandler handler() {
    return [this](std::string_view message) {
      const std::lock_guard lock(mutex_);
      messages_.emplace_back(message);
    };
  }
  py::list take() {
    py::list list;
    for (const std::string& message : messages_) list.append(message);
    return list;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> messages_;
};

// A palette image as numpy arrays: K x C uint8 entries and H x W uint16 labels, no copies.
py::tuple indexed_arrays(IndexedImage&& indexed) {
  const auto entries = static_cast<py::ssize_t>(indexed.palette_size());
  const py::ssize_t channels = indexed.channels;
  const std::vector<py::ssize_t> label_shape{indexed.height, indexed.width};
  return py::make_tuple(array_from_vector(std::move(indexed.palette), {entries, channels}),
                        array_from_vector(std::move(indexed.indices), label_shape));
}

py::tuple encode_array(const py::array& array, const std::vector<std::string>& options,
                       const py::dict& metadata) {
  Image image = image_from_array(array);
  image.metadata() = metadata_from_dict(metadata);
  const tools::EncodeRequest request = request_from_options(options);
  WarningList warnings;
  tools::FileResult result;
  result.input = "<array>";
  std::vector<std::uint8_t> file;
  without_gil([&] {
    file = tools::encode_pixels(std::move(image), request, request.encode, warnings.handler(),
                                result, nullptr);
  });
  result.ok = true;
  py::bytes data(reinterpret_cast<const char*>(file.data()), file.size());
  py::dict fields = encode_result_dict(result, request);
  return py::make_tuple(data, fields, warnings.take());
}

py::tuple quantize_array(const py::array& array, const std::vector<std::string>& options) {
  const Image image = image_from_array(array);
  const tools::EncodeRequest request = request_from_options(options);
  QuantizeStats stats;
  IndexedImage indexed;
  without_gil([&] { indexed = quantize(image, request.encode, &stats); });
  const py::tuple arrays = indexed_arrays(std::move(indexed));
  return py::make_tuple(arrays[0], arrays[1], quantize_stats_dict(stats));
}

DecodeOptions decode_options(std::uint64_t max_pixels, int threads) {
  DecodeOptions options;
  options.max_pixels = max_pixels;
  options.threads = threads;
  return options;
}

py::array decode_bytes(const py::object& data, std::uint64_t max_pixels, int threads) {
  const FileBytes file(data);
  Image image;
  without_gil([&] { image = decode(file.bytes(), decode_options(max_pixels, threads)); });
  return array_from_image(std::move(image));
}

py::tuple decode_indexed_bytes(const py::object& data, std::uint64_t max_pixels, int threads) {
  const FileBytes file(data);
  IndexedImage indexed;
  without_gil([&] { indexed = decode_indexed(file.bytes(), decode_options(max_pixels, threads)); });
  return indexed_arrays(std::move(indexed));
}

py::dict inspect_bytes(const py::object& data, std::uint64_t max_pixels) {
  const FileBytes file(data);
  FileInfo info;
  without_gil([&] { info = inspect(file.bytes(), decode_options(max_pixels, 1)); });
  return file_info_dict(info);
}

py::tuple encode_file(const std::string& input, const std::string& output,
                      const std::vector<std::string>& options) {
  std::vector<std::string> words{"kmqenc"};
  words.insert(words.end(), options.begin(), options.end());
  words.insert(words.end(), {"-o", output, input});
  tools::ArgumentWords arguments(std::move(words));
  WarningList warnings;
  tools::FileResult result;
  std::optional<tools::EncodeRequest> request;
  without_gil([&] {
    request = tools::parse_kmqenc_command_line(arguments.argc(), arguments.argv());
    if (!request) throw tools::UsageError("--help and --version print, they are not options");
    tools::load_fixed_palette(*request);
    EncodeOptions per_file = request->encode;
    per_file.threads = request->jobs;
    result =
        tools::encode_one(request->inputs.front(), request->outputs.front(), *request, per_file,
                          request->strip ? io::WarningHandler() : warnings.handler());
  });
  if (result.failure) std::rethrow_exception(result.failure);
  return py::make_tuple(encode_result_dict(result, *request), warnings.take());
}

py::tuple decode_file(const std::string& input, const std::string& output,
                      const std::vector<std::string>& options) {
  std::vector<std::string> words{"kmqdec", "-o", output};
  words.insert(words.end(), options.begin(), options.end());
  words.push_back(input);
  tools::ArgumentWords arguments(std::move(words));
  WarningList warnings;
  tools::DecodeResult result;
  std::optional<tools::DecodeRequest> request;
  without_gil([&] {
    request = tools::parse_kmqdec_command_line(arguments.argc(), arguments.argv());
    if (!request) throw tools::UsageError("--help and --version print, they are not options");
    request->settings.decode.threads = request->jobs;
    result.input = request->inputs.front();
    result.output = request->outputs.front();
    tools::decode_file(result, request->settings,
                       request->settings.strip ? io::WarningHandler() : warnings.handler());
  });
  return py::make_tuple(decode_result_dict(result, request->settings), warnings.take());
}

py::dict fit_pixels(const py::array& pixels, const std::vector<std::string>& options) {
  const Image image = image_from_pixel_rows(pixels);
  const tools::EncodeRequest request = request_from_options(options);
  ClusterModel model;
  without_gil([&] { model = fit_clusters(image, request.encode); });
  const auto clusters = static_cast<py::ssize_t>(model.centres.size()) / model.dimensions;
  const py::ssize_t dims = model.dimensions;
  py::dict d;
  d["centres"] = array_from_vector(std::move(model.centres), {clusters, dims});
  d["weights"] = array_from_vector(std::move(model.weights), {clusters});
  if (!model.covariances.empty())
    d["covariances"] = array_from_vector(std::move(model.covariances), {clusters, dims, dims});
  const auto count = static_cast<py::ssize_t>(model.labels.size());
  d["labels"] = array_from_vector(std::move(model.labels), {count});
  d["iterations"] = model.iterations;
  d["inertia"] = model.inertia;
  d["log_likelihood"] = model.log_likelihood;
  return d;
}

py::tuple compare_images(const std::vector<std::string>& paths, const std::vector<int>& colors,
                         const std::vector<std::string>& options, bool html, int max_side) {
  const tools::EncodeRequest request = request_from_options(options);
  compare::StudySettings settings;
  settings.colors = colors;
  settings.encode = request.encode;
  settings.rd_lambda = request.encode.rd_lambda;  // as kmqcompare: a second curve, not every K
  settings.encode.rd_lambda = 0;
  settings.max_pixels = request.max_pixels;
  settings.keep_visuals = html;
  // As kmqcompare: the report shows the real .kmq files when the web decoder was built in.
  settings.embed_kmq = html && compare::report_embeds_decoder();
  settings.display_max_side = max_side;
  compare::StudyDescription description{method_name(request.encode.method),
                                        request.space_name,
                                        request.encode.seed,
                                        request.encode.level,
                                        request.encode.dither,
                                        request.encode.rd_lambda};
  std::string json, page;
  without_gil([&] {
    std::vector<compare::ImageStudy> studies;
    for (const std::string& path : paths)
      studies.push_back(compare::study_image(path, settings, [] {}));
    json = compare::json_text(studies, description);
    if (html) page = compare::html_report(studies, description);
  });
  return py::make_tuple(json, page);
}

}  // namespace

}  // namespace kmq::python

PYBIND11_MODULE(_kmq, module) {
  using namespace kmq::python;
  module.doc() = "kmq's compiled core; use the kmq package's functions instead.";
  register_error_translation();
  module.def("version", [] { return std::string(kmq::version()); });
  module.def("encode", &encode_array, py::arg("array"), py::arg("options"), py::arg("metadata"));
  module.def("quantize", &quantize_array, py::arg("array"), py::arg("options"));
  module.def("decode", &decode_bytes, py::arg("data"), py::arg("max_pixels"), py::arg("threads"));
  module.def("decode_indexed", &decode_indexed_bytes, py::arg("data"), py::arg("max_pixels"),
             py::arg("threads"));
  module.def("info", &inspect_bytes, py::arg("data"), py::arg("max_pixels"));
  module.def("encode_file", &encode_file, py::arg("input"), py::arg("output"), py::arg("options"));
  module.def("decode_file", &decode_file, py::arg("input"), py::arg("output"), py::arg("options"));
  module.def("fit_clusters", &fit_pixels, py::arg("pixels"), py::arg("options"));
  module.def("compare", &compare_images, py::arg("paths"), py::arg("colors"), py::arg("options"),
             py::arg("html"), py::arg("max_side"));
}
