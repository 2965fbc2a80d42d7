// SPDX-License-Identifier: MIT
// Binary Netpbm: reading P5 (PGM), P6 (PPM) and P7 (PAM); writing P6 and P7.
#include <kmq/io.hpp>
#include <string>
#include <string_view>

#include "io_formats.hpp"

namespace kmq::io {

namespace {

[[noreturn]] void corrupt(const std::string& message) {
  throw Error(ErrorCategory::corrupt_file, "PNM: " + message);
}

// A cursor over the header text that never reads past the end.
class HeaderReader {
 public:
  HeaderReader(std::span<const std::uint8_t> bytes, std::size_t start)
      : bytes_(bytes), offset_(start) {}

  bool at_end() const { return offset_ >= bytes_.size(); }
  std::size_t offset() const { return offset_; }

  // Skips white space and '#' comments (PPM/PGM headers).
  void skip_space_and_comments() {
    while (!at_end()) {
      const char c = static_cast<char>(bytes_[offset_]);
      if (c == '#') {
        while (!at_end() && bytes_[offset_] != '\n') ++offset_;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
        ++offset_;
      } else {
        return;
      }
    }
  }

  std::uint64_t number(const char* what) {
    skip_space_and_comments();
    std::uint64_t value = 0;
    std::size_t digits = 0;
    while (!at_end() && bytes_[offset_] >= '0' && bytes_[offset_] <= '9') {
      value = value * 10 + (bytes_[offset_] - '0');
      ++offset_;
      if (++digits > 9) corrupt(std::string(what) + " is too large");
    }
    if (digits == 0) corrupt(std::string("header: expected ") + what);
    return value;
  }

  // One line of a PAM header, without its newline.
  std::string_view line() {
    const std::size_t start = offset_;
    while (!at_end() && bytes_[offset_] != '\n') ++offset_;
    const std::string_view text(reinterpret_cast<const char*>(bytes_.data()) + start,
                                offset_ - start);
    if (!at_end()) ++offset_;
    return text;
  }

  void single_space() {
    if (at_end()) corrupt("header ends early");
    ++offset_;  // exactly one white-space byte separates the header from the samples
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
};

struct PnmHeader {
  std::uint64_t width = 0;
  std::uint64_t height = 0;
  std::uint64_t depth = 0;
  std::uint64_t maxval = 0;
  std::size_t data_offset = 0;
};

PnmHeader read_pam_header(HeaderReader& reader) {
  PnmHeader header;
  std::string tuple_type;
  for (;;) {
    if (reader.at_end()) corrupt("PAM header has no ENDHDR");
    std::string_view line = reader.line();
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (line == "ENDHDR") break;
    const std::size_t space = line.find(' ');
    const std::string_view key = line.substr(0, space);
    const std::string_view value = space == std::string_view::npos ? "" : line.substr(space + 1);
    auto parse = [&](const char* what) {
      std::uint64_t number = 0;
      if (value.empty() || value.size() > 9) corrupt(std::string("bad ") + what);
      for (const char c : value) {
        if (c < '0' || c > '9') corrupt(std::string("bad ") + what);
        number = number * 10 + static_cast<std::uint64_t>(c - '0');
      }
      return number;
    };
    if (key == "WIDTH")
      header.width = parse("WIDTH");
    else if (key == "HEIGHT")
      header.height = parse("HEIGHT");
    else if (key == "DEPTH")
      header.depth = parse("DEPTH");
    else if (key == "MAXVAL")
      header.maxval = parse("MAXVAL");
    else if (key == "TUPLTYPE")
      tuple_type = std::string(value);
    else
      corrupt("unknown PAM header field '" + std::string(key) + "'");
  }
  if (header.depth < 1 || header.depth > 4) {
    throw Error(ErrorCategory::unsupported,
                "PAM: DEPTH " + std::to_string(header.depth) + " is not supported (1-4)");
  }
  header.data_offset = reader.offset();
  return header;
}

PnmHeader read_netpbm_header(HeaderReader& reader, std::uint64_t depth) {
  PnmHeader header;
  header.depth = depth;
  header.width = reader.number("width");
  header.height = reader.number("height");
  header.maxval = reader.number("maxval");
  reader.single_space();
  header.data_offset = reader.offset();
  return header;
}

std::vector<std::uint8_t> write_netpbm(const Image& image, bool pam) {
  if (image.empty()) throw Error(ErrorCategory::bad_input, "PNM: cannot write an empty image");
  std::vector<std::uint8_t> out =
      netpbm_header(image.width(), image.height(), image.channels(), pam);
  out.insert(out.end(), image.data().begin(), image.data().end());
  return out;
}

}  // namespace

Image read_pnm(std::span<const std::uint8_t> bytes, const ReadOptions& options) {
  if (bytes.size() < 3 || bytes[0] != 'P') corrupt("not a binary PPM/PGM/PAM file");
  HeaderReader reader(bytes, 2);  // after the two-byte magic
  PnmHeader header;
  switch (bytes[1]) {
    case '5':
      header = read_netpbm_header(reader, 1);
      break;
    case '6':
      header = read_netpbm_header(reader, 3);
      break;
    case '7':
      reader.line();  // rest of the magic line
      header = read_pam_header(reader);
      break;
    default:
      throw Error(ErrorCategory::unsupported, "PNM: only binary P5, P6 and P7 are supported");
  }
  if (header.maxval < 1 || header.maxval > 65535) {
    corrupt("maxval " + std::to_string(header.maxval) + " is outside 1..65535");
  }
  check_pixel_limit("PNM", header.width, header.height, options.max_pixels);
  const std::uint64_t sample_bytes = header.maxval > 255 ? 2 : 1;
  const std::uint64_t needed = header.width * header.height * header.depth * sample_bytes;
  if (needed > bytes.size() - header.data_offset) {
    corrupt("file is truncated: " + std::to_string(needed) + " bytes of samples expected, " +
            std::to_string(bytes.size() - header.data_offset) + " present");
  }
  const bool has_alpha = header.depth == 2 || header.depth == 4;
  const bool gray = header.depth <= 2;
  Image image(static_cast<int>(header.width), static_cast<int>(header.height), has_alpha ? 4 : 3);
  const std::uint8_t* in = bytes.data() + header.data_offset;
  const std::uint64_t maxval = header.maxval;
  auto sample = [&](std::size_t index) -> std::uint8_t {
    const std::uint64_t raw =
        sample_bytes == 2 ? (std::uint64_t{in[2 * index]} << 8) | in[2 * index + 1] : in[index];
    if (raw > maxval) corrupt("sample value above maxval");
    return static_cast<std::uint8_t>((raw * 255 + maxval / 2) / maxval);
  };
  std::uint8_t* out = image.data().data();
  const std::size_t channels = static_cast<std::size_t>(image.channels());
  const std::size_t depth = static_cast<std::size_t>(header.depth);
  for (std::size_t i = 0; i < image.pixel_count(); ++i) {
    const std::size_t base = i * depth;
    std::uint8_t* pixel = out + i * channels;
    if (gray) {
      pixel[0] = pixel[1] = pixel[2] = sample(base);
    } else {
      for (std::size_t c = 0; c < 3; ++c) pixel[c] = sample(base + c);
    }
    if (has_alpha) pixel[3] = sample(base + depth - 1);
  }
  return image;
}

std::vector<std::uint8_t> netpbm_header(int width, int height, int channels, bool pam) {
  if (!pam && channels != 3) {
    throw Error(ErrorCategory::bad_input, "PPM holds RGB only: use PAM for alpha");
  }
  std::string header;
  if (pam) {
    header = "P7\nWIDTH " + std::to_string(width) + "\nHEIGHT " + std::to_string(height) +
             "\nDEPTH " + std::to_string(channels) + "\nMAXVAL 255\nTUPLTYPE " +
             (channels == 4 ? "RGB_ALPHA" : "RGB") + "\nENDHDR\n";
  } else {
    header = "P6\n" + std::to_string(width) + " " + std::to_string(height) + "\n255\n";
  }
  return {header.begin(), header.end()};
}

std::vector<std::uint8_t> write_pnm(const Image& image) {
  return write_netpbm(image, image.channels() == 4);
}

std::vector<std::uint8_t> write_pam(const Image& image) { return write_netpbm(image, true); }

}  // namespace kmq::io
