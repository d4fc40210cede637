// `redsim list` (see list_command.h).
#include "tools/list_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "tools/check_command.h"

namespace tools {
namespace {

constexpr int kExitBadInput = 2;

// The *.jsonc regular files directly in `dir`, sorted by name; nullopt after printing why the
// directory cannot be read.
std::optional<std::vector<std::filesystem::path>> scenario_files(
    const std::filesystem::path& dir, std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    err << fmt::format("redsim list: {} is not a directory\n", dir.string());
    return std::nullopt;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".jsonc") {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    err << fmt::format("redsim list: cannot read {}: {}\n", dir.string(), ec.message());
    return std::nullopt;
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::filesystem::path bundled_scenario_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "scenarios";
}

int run_list(const std::optional<std::filesystem::path>& dir, std::ostream& out,
             std::ostream& err) {
  std::filesystem::path where = dir.value_or(bundled_scenario_dir());
  std::optional<std::vector<std::filesystem::path>> files = scenario_files(where, err);
  if (!files) return kExitBadInput;
  if (files->empty()) {
    err << fmt::format("redsim list: no scenario files (*.jsonc) in {}\n", where.string());
    return kExitBadInput;
  }
  size_t width = 0;
  for (const auto& file : *files) width = std::max(width, file.filename().string().size());
  bool all_valid = true;
  for (const auto& file : *files) {
    std::optional<Scenario> scenario = load_scenario_file(file.string(), err);
    std::string about = "(invalid: see redsim check " + file.string() + ")";
    if (scenario) {
      about = scenario->description.empty() ? scenario->name
                                            : scenario->name + " -- " + scenario->description;
    }
    all_valid = all_valid && scenario.has_value();
    out << fmt::format("{:<{}}  {}\n", file.filename().string(), width, about);
  }
  return all_valid ? 0 : kExitBadInput;
}

}  // namespace tools
