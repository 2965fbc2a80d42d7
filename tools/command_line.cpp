// SPDX-License-Identifier: MIT
// Option parsing and --help formatting shared by the tools.
#include "command_line.hpp"

#include <iostream>
#include <kmq/kmq.hpp>
#include <sstream>

#include "tool_common.hpp"

namespace po = boost::program_options;

namespace kmq::tools {

namespace {

constexpr std::size_t kHelpColumn = 29;  // where descriptions start
constexpr std::size_t kHelpWidth = 100;

// `text` wrapped to kHelpWidth, continuation lines indented to kHelpColumn.
std::string wrap(const std::string& text, std::size_t column) {
  std::istringstream words(text);
  std::string out, word;
  std::size_t at = column;
  bool first = true;
  while (words >> word) {
    if (!first && at + 1 + word.size() > kHelpWidth) {
      out += "\n" + std::string(kHelpColumn, ' ');
      at = kHelpColumn;
    } else if (!first) {
      out += ' ';
      ++at;
    }
    out += word;
    at += word.size();
    first = false;
  }
  return out;
}

}  // namespace

CommandLine::CommandLine(std::string tool, std::string usage)
    : tool_(std::move(tool)), usage_(std::move(usage)) {
  flag("help,h", "show this help and exit");
  flag("version,V", "show the version and exit");
}

CommandLine& CommandLine::group(std::string title) {
  groups_.push_back(std::move(title));
  return *this;
}

CommandLine& CommandLine::flag(const std::string& names, std::string help) {
  add(names, "", false, std::move(help), po::bool_switch());
  return *this;
}

void CommandLine::add(const std::string& names, std::string arg, bool optional, std::string help,
                      const po::value_semantic* semantic) {
  Entry entry;
  const std::size_t comma = names.find(',');
  entry.long_name = names.substr(0, comma);
  if (comma != std::string::npos) entry.short_name = names[comma + 1];
  entry.arg = std::move(arg);
  entry.optional = optional;
  entry.help = std::move(help);
  entry.group = groups_.empty() ? 0 : groups_.size() - 1;
  entries_.push_back(std::move(entry));
  options_.add_options()(names.c_str(), semantic, "");
}

CommandLine& CommandLine::operands(std::vector<std::string>* target) {
  operands_ = target;
  return *this;
}

bool CommandLine::parse(int argc, char** argv) {
  // Optional values bind only with '=': a bare "--dither" becomes "--dither=1" before Boost
  // sees it (Boost would take the next argument as the value).
  std::vector<std::string> arguments;
  bool options_ended = false;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument == "--") options_ended = true;
    if (!options_ended) {
      for (const Entry& entry : entries_) {
        if (entry.optional && argument == "--" + entry.long_name) {
          argument += "=" + entry.bare_value;
        }
      }
    }
    arguments.push_back(std::move(argument));
  }
  po::options_description all;
  all.add(options_);
  po::positional_options_description positional;
  std::vector<std::string> unused_operands;
  all.add_options()("operand", po::value(operands_ ? operands_ : &unused_operands), "");
  positional.add("operand", -1);
  // No abbreviations: "--dith" is an unknown option, not --dither.
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  try {
    po::store(
        po::command_line_parser(arguments).options(all).positional(positional).style(style).run(),
        values_);
    if (values_["help"].as<bool>()) {
      std::cout << help();
      return false;
    }
    if (values_["version"].as<bool>()) {
      std::cout << tool_ << " (kmq) " << kmq::version() << "\n";
      return false;
    }
    po::notify(values_);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

bool CommandLine::given(const std::string& long_name) const {
  const auto found = values_.find(long_name);
  if (found == values_.end() || found->second.defaulted()) return false;
  const auto* on = boost::any_cast<bool>(&found->second.value());
  return on == nullptr || *on;  // a switch counts when it is on
}

std::string CommandLine::help() const {
  std::string out = "Usage: " + usage_ + "\n";
  const std::size_t group_count = std::max<std::size_t>(groups_.size(), 1);
  for (std::size_t group = 0; group < group_count; ++group) {
    out += "\n" + (groups_.empty() ? std::string("Options") : groups_[group]) + "\n";
    // --help and --version close the first group.
    std::vector<const Entry*> listed;
    for (const Entry& entry : entries_) {
      if (entry.group == group && entry.long_name != "help" && entry.long_name != "version")
        listed.push_back(&entry);
    }
    if (group == 0) {
      for (const Entry& entry : entries_) {
        if (entry.long_name == "help" || entry.long_name == "version") listed.push_back(&entry);
      }
    }
    for (const Entry* listed_entry : listed) {
      const Entry& entry = *listed_entry;
      std::string names = "  ";
      names += entry.short_name ? std::string("-") + entry.short_name + ", " : "    ";
      names += "--" + entry.long_name;
      if (!entry.arg.empty()) names += entry.optional ? "[=" + entry.arg + "]" : " " + entry.arg;
      if (names.size() + 1 > kHelpColumn) {
        out += names + "\n" + std::string(kHelpColumn, ' ');
      } else {
        out += names + std::string(kHelpColumn - names.size(), ' ');
      }
      out += wrap(entry.help, kHelpColumn) + "\n";
    }
  }
  return out;
}

}  // namespace kmq::tools
