#pragma once
// Error types shared by the library and the CLI.
#include <stdexcept>
#include <string>

namespace apb {

// Bad input from the user (unknown name, bad number, bad unit, ...).
// The message is one line naming the bad value and what is accepted;
// the CLI prints it and exits with status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace apb
