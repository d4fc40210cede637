// `redsim check FILE` (see check_command.h).
#include "tools/check_command.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tools/scenario.h"

namespace tools {
namespace {

constexpr int kExitBadInput = 2;

std::string plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// The file's bytes, at most one more than the loader accepts (it then reports the size);
// nullopt after printing why it cannot be read.
std::optional<std::string> read_file(const std::string& path, std::ostream& err) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    err << fmt::format("redsim: cannot read {}: it is a directory\n", path);
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << fmt::format("redsim: cannot read {}: {}\n", path, std::strerror(errno));
    return std::nullopt;
  }
  std::string text(jsonc::kMaxInputBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    err << fmt::format("redsim: cannot read {}: {}\n", path, std::strerror(errno));
    return std::nullopt;
  }
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

// The file loaded, its diagnostics printed in file order, and for an invalid file their count;
// nullopt when the file cannot be read.
std::optional<LoadResult> load_and_report(const std::string& path, std::ostream& err) {
  std::optional<std::string> text = read_file(path, err);
  if (!text) return std::nullopt;
  LoadResult result = load_scenario(path, *text);
  std::vector<Diagnostic> all = result.errors;
  all.insert(all.end(), result.warnings.begin(), result.warnings.end());
  sort_by_position(all);
  for (const Diagnostic& d : all) err << d.to_string() << "\n";
  if (!result.scenario) {
    err << fmt::format("{}: {}, {}\n", path, plural(result.errors.size(), "error"),
                       plural(result.warnings.size(), "warning"));
  }
  return result;
}

}  // namespace

int run_check(const std::string& path, std::ostream& out, std::ostream& err) {
  std::optional<LoadResult> result = load_and_report(path, err);
  if (!result || !result->scenario) return kExitBadInput;
  const Scenario& s = *result->scenario;
  std::string warnings = result->warnings.empty()
                             ? ""
                             : fmt::format(", {}", plural(result->warnings.size(), "warning"));
  out << fmt::format("{}: ok: {}: {}, {}, {}, {}{}\n", path, jsonc::quote(s.name),
                     plural(s.nodes.size(), "node"), plural(s.clients.size(), "client"),
                     plural(s.steps.size(), "step"), plural(s.expectations.size(), "expectation"),
                     warnings);
  return 0;
}

std::optional<Scenario> load_scenario_file(const std::string& path, std::ostream& err) {
  std::optional<LoadResult> result = load_and_report(path, err);
  if (!result) return std::nullopt;
  return std::move(result->scenario);
}

}  // namespace tools
