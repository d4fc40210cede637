// `redsim check FILE`: loads and validates a scenario file without running it; and the same
// validation as `redsim run` does it first.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "tools/scenario.h"

namespace tools {

// Prints each warning and error (file:line:col: ...) to `err`, and for a valid file a one-line
// summary to `out`: `FILE: ok: "name": 3 nodes, 1 client, 12 steps, 5 expectations`.
// Returns the exit code: 0 valid (warnings allowed), 2 invalid, missing or unreadable.
int run_check(const std::string& path, std::ostream& out, std::ostream& err);

// Reads and validates a scenario file, printing to `err` every diagnostic and, when it is not
// valid, a count of them (or why it cannot be read). nullopt when invalid or unreadable.
std::optional<Scenario> load_scenario_file(const std::string& path, std::ostream& err);

}  // namespace tools
