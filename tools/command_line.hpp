// SPDX-License-Identifier: MIT
// A tool's options, parsed by Boost.ProgramOptions and listed by --help in the tools' own layout
// (the one the README shows): "  -o, --output FILE          what it does".
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace kmq::tools {

class CommandLine {
 public:
  /// `usage` is the text after "Usage: " (synopsis lines and a short description).
  CommandLine(std::string tool, std::string usage);

  /// Starts a titled group of options in --help.
  CommandLine& group(std::string title);
  /// A switch. `names` is "long" or "long,s" (s: the short option letter).
  CommandLine& flag(const std::string& names, std::string help);
  /// An option with a value, listed as "--long ARG"; `target` keeps its value unless given.
  template <class T>
  CommandLine& value(const std::string& names, std::string arg, T* target, std::string help) {
    add(names, std::move(arg), false, std::move(help), boost::program_options::value(target));
    return *this;
  }
  /// An option whose value may be left out; a value binds only with '=' ("--dither=0.5"), as
  /// GNU tools and pngquant do, so "--dither photo.png" reads photo.png as an input. Alone it
  /// means `bare`.
  template <class T>
  CommandLine& optional_value(const std::string& names, std::string arg, T* target,
                              std::string bare, std::string help) {
    add(names, std::move(arg), true, std::move(help), boost::program_options::value(target));
    entries_.back().bare_value = std::move(bare);
    return *this;
  }
  /// Where the operands (the arguments that are not options) go.
  CommandLine& operands(std::vector<std::string>* target);

  /// Parses. --help and --version print to standard output and return false: the tool then
  /// exits 0. Mistakes throw UsageError.
  bool parse(int argc, char** argv);
  /// Whether the option (by its long name) was on the command line.
  bool given(const std::string& long_name) const;
  /// The --help text.
  std::string help() const;

 private:
  struct Entry {
    std::string long_name;
    char short_name = 0;
    std::string arg;
    bool optional = false;
    std::string help;
    std::string bare_value;
    std::size_t group = 0;
  };
  void add(const std::string& names, std::string arg, bool optional, std::string help,
           const boost::program_options::value_semantic* semantic);

  std::string tool_, usage_;
  std::vector<std::string> groups_;
  std::vector<Entry> entries_;
  boost::program_options::options_description options_;
  std::vector<std::string>* operands_ = nullptr;
  boost::program_options::variables_map values_;
};

/// A command line built from words, as argc/argv for the parsers: the Python package and
/// option-only parsing call the tools' parsers with lines they make.
class ArgumentWords {
 public:
  explicit ArgumentWords(std::vector<std::string> words) : words_(std::move(words)) {
    for (std::string& word : words_) pointers_.push_back(word.data());
  }
  ArgumentWords(const ArgumentWords&) = delete;
  ArgumentWords& operator=(const ArgumentWords&) = delete;
  int argc() const { return static_cast<int>(pointers_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> words_;
  std::vector<char*> pointers_;
};

}  // namespace kmq::tools
