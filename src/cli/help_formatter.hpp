#pragma once
// --help that fits the terminal: CLI11 prints each option's description on
// one line however long; this formatter wraps descriptions (and the text
// above and below the options) at the terminal's width.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

namespace apb::cli {

class WrappingFormatter : public CLI::Formatter {
 public:
  explicit WrappingFormatter(std::size_t width) : width_(width) {}

  std::string make_option_desc(const CLI::Option* option) const override;
  std::string make_description(const CLI::App* app) const override;

 private:
  std::size_t width_;
};

}  // namespace apb::cli
