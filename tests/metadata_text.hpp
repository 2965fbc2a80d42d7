// SPDX-License-Identifier: MIT
// The expected-metadata files of format-spec/vectors (valid/<name>.meta): one item per line,
// every byte string in hexadecimal, so that any language reads them with a split and a hex
// decoder (see format-spec/vectors/README.md).
#pragma once

#include <kmq/kmq.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

namespace kmq::testing {

inline std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = bytes.empty() ? "-" : "";  // "-": empty
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

inline std::string from_hex(const std::string& hex) {
  if (hex == "-") return {};
  if (hex.size() % 2 != 0) throw std::runtime_error("odd hex string");
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

inline std::string metadata_text(const Metadata& m) {
  std::ostringstream out;
  auto bytes = [](const std::vector<std::uint8_t>& v) {
    return to_hex(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
  };
  if (m.srgb_intent) out << "srgb " << int{*m.srgb_intent} << "\n";
  if (m.gamma) out << "gama " << *m.gamma << "\n";
  if (m.chromaticities) {
    const Chromaticities& c = *m.chromaticities;
    out << "chrm " << c.white_x << " " << c.white_y << " " << c.red_x << " " << c.red_y << " "
        << c.green_x << " " << c.green_y << " " << c.blue_x << " " << c.blue_y << "\n";
  }
  if (m.density) {
    out << "phys " << m.density->x << " " << m.density->y << " " << int{m.density->unit} << "\n";
  }
  if (!m.icc_profile.empty()) {
    out << "iccp " << to_hex(m.icc_profile_name) << " " << bytes(m.icc_profile) << "\n";
  }
  if (!m.exif.empty()) out << "exif " << bytes(m.exif) << "\n";
  if (!m.xmp.empty()) out << "xmpp " << to_hex(m.xmp) << "\n";
  for (const TextEntry& t : m.text) {
    out << "text " << to_hex(t.keyword) << " " << to_hex(t.language) << " "
        << to_hex(t.translated_keyword) << " " << to_hex(t.text) << "\n";
  }
  return out.str();
}

inline Metadata parse_metadata_text(const std::string& text) {
  Metadata m;
  std::istringstream lines(text);
  std::string line;
  auto to_bytes = [](const std::string& hex) {
    const std::string s = from_hex(hex);
    return std::vector<std::uint8_t>(s.begin(), s.end());
  };
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "srgb") {
      int intent;
      fields >> intent;
      m.srgb_intent = static_cast<std::uint8_t>(intent);
    } else if (kind == "gama") {
      std::uint32_t gamma;
      fields >> gamma;
      m.gamma = gamma;
    } else if (kind == "chrm") {
      Chromaticities c;
      fields >> c.white_x >> c.white_y >> c.red_x >> c.red_y >> c.green_x >> c.green_y >>
          c.blue_x >> c.blue_y;
      m.chromaticities = c;
    } else if (kind == "phys") {
      PixelDensity d;
      int unit;
      fields >> d.x >> d.y >> unit;
      d.unit = static_cast<std::uint8_t>(unit);
      m.density = d;
    } else if (kind == "iccp") {
      std::string name, data;
      fields >> name >> data;
      m.icc_profile_name = from_hex(name);
      m.icc_profile = to_bytes(data);
    } else if (kind == "exif") {
      std::string data;
      fields >> data;
      m.exif = to_bytes(data);
    } else if (kind == "xmpp") {
      std::string data;
      fields >> data;
      m.xmp = from_hex(data);
    } else if (kind == "text") {
      std::string keyword, language, translated, value;
      fields >> keyword >> language >> translated >> value;
      m.text.push_back(
          {from_hex(keyword), from_hex(language), from_hex(translated), from_hex(value)});
    } else if (!kind.empty()) {
      throw std::runtime_error("unknown metadata line: " + line);
    }
  }
  return m;
}

}  // namespace kmq::testing
