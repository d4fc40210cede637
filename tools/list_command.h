// `redsim list [--dir DIR]`: the scenario files (*.jsonc) of a directory, one line each, in
// file-name order: the file's name, the scenario's "name" and its "description" if any.
// Without --dir, the directory is the `scenarios/` of the source tree redsim was built from.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>

namespace tools {

// `scenarios/` next to this source file's `tools/` directory.
std::filesystem::path bundled_scenario_dir();

// Returns the exit code: 0 every file listed is valid, 2 the directory cannot be read, holds
// no scenario file, or a file is invalid (its diagnostics go to `err`, and its line says so).
int run_list(const std::optional<std::filesystem::path>& dir, std::ostream& out,
             std::ostream& err);

}  // namespace tools
