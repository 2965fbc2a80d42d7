// SPDX-License-Identifier: MIT
// Shared command-line plumbing for kmqenc, kmqdec and kmqinfo.
#include "tool_common.hpp"

#include <cstdio>
#include <iostream>
#include <kmq/kmq.hpp>

namespace po = boost::program_options;

namespace kmq::tools {

int run_tool(const char* tool, const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& e) {
    std::cerr << tool << ": error: " << e.what() << "\n"
              << "Try '" << tool << " --help' for more information.\n";
    return kExitUsage;
  } catch (const po::error& e) {
    std::cerr << tool << ": error: " << e.what() << "\n"
              << "Try '" << tool << " --help' for more information.\n";
    return kExitUsage;
  } catch (const kmq::Error& e) {
    std::cerr << tool << ": error: " << e.what() << "\n";
    return e.category() == kmq::ErrorCategory::target_not_met ? kExitTargetNotMet : kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << tool << ": error: out of memory\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << tool << ": error: " << e.what() << "\n";
    return kExitBadInput;
  }
}

bool parse_command_line(int argc, char** argv, const char* tool, const char* usage,
                        const po::options_description& visible,
                        const po::options_description& hidden,
                        const po::positional_options_description& positional,
                        po::variables_map& values) {
  po::options_description all;
  all.add(visible).add(hidden);
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), values);
  if (values.count("help")) {
    std::cout << "Usage: " << usage << "\n\n" << visible << "\n";
    return true;
  }
  if (values.count("version")) {
    std::cout << tool << " (kmq) " << kmq::version() << "\n";
    return true;
  }
  po::notify(values);
  return false;
}

void check_output_path(const std::filesystem::path& input, const std::filesystem::path& output,
                       bool force) {
  if (output == "-") return;
  std::error_code error;
  if (input != "-" && std::filesystem::equivalent(input, output, error)) {
    throw UsageError("refusing to overwrite the input file '" + input.string() + "'");
  }
  if (!force && std::filesystem::exists(output, error)) {
    throw UsageError("output '" + output.string() + "' exists; use --force to overwrite it");
  }
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Method parse_method(const std::string& value) {
  return parse_choice<Method>(
      "method", value,
      {{"kmeans", Method::kmeans}, {"minibatch", Method::minibatch}, {"gmm", Method::gmm}});
}

ColorSpace parse_space(const std::string& value) {
  return parse_choice<ColorSpace>("space", value,
                                  {{"rgb", ColorSpace::rgb}, {"oklab", ColorSpace::oklab}});
}

}  // namespace kmq::tools
