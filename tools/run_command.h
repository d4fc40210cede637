// `redsim run FILE`: validates a scenario, runs it, and prints what happened in the chosen
// format, then the expectations' verdicts.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace tools {

struct RunCommandOptions {
  std::string path;
  std::optional<uint64_t> seed;
  std::optional<std::string> until;  // a duration, instead of the scenario's
  std::string format = "timeline";   // timeline | log | jsonl | summary
  std::string node;                  // log: this node's log only
  std::string output;                // -o FILE instead of standard output
  std::string report;                // --report FILE: verdicts and the clients' report, as JSON
  bool force = false;                // -o and --report may overwrite
  bool explain = false;              // a sentence under each replication event (timeline, log)
  std::optional<std::string> lang;   // with explain: en (default) | zh
};

// Returns the exit code: 0 every expectation held, 1 one failed, 2 bad input.
int run_scenario_command(const RunCommandOptions& options, std::ostream& out,
                         std::ostream& err);

}  // namespace tools
