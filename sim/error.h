// The one exception type for bad user input (durations, addresses, scenario files, ...).
// Its message says what was given and what was expected; callers add file:line:column.
#pragma once

#include <stdexcept>
#include <string>

namespace sim {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace sim
