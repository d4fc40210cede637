// `redsim fuzz`: a campaign of fuzz cases, in parallel, with live progress, shrinking of every
// failure to a scenario file that replays it, and a summary that replays the campaign.
//
// Run i of a campaign with seed S and shard K/N plays the case of seed case_seed(S, K + i*N):
// the runs of shards 0..N-1 together are the runs of one campaign, and `--runs M` replays the
// first M runs of a `--for` campaign (its summary prints M). Each run is single-threaded;
// --jobs runs that many at once, and the results are reported in run order, the same for any
// number of jobs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

#include "sim/time.h"

namespace CLI {
class App;
}

namespace tools {

struct FuzzOptions {
  std::optional<uint64_t> runs;           // --runs N
  std::optional<std::string> for_time;    // --for 10m: wall-clock time, then stop
  std::optional<uint64_t> seed;           // --seed S; fresh (and printed) when absent
  uint32_t jobs = 1;                      // --jobs J
  std::string shard = "0/1";              // --shard K/N
  std::filesystem::path out = "fuzz-out";  // --out DIR: the counterexample scenario files
  bool json = false;                      // --json: the results as JSON on stdout
  uint32_t shrink_budget = 400;           // cases tried while shrinking one failure
  bool progress = true;                   // live progress on stderr
};

// Adds the `fuzz` subcommand, filling `options`.
CLI::App* add_fuzz_command(CLI::App& app, FuzzOptions& options);

// The seed of run `index` of a campaign with seed `seed` (a SplitMix64 step).
uint64_t case_seed(uint64_t seed, uint64_t index);

// Runs the campaign; returns the exit code: 0, 1 on a violation (or a determinism failure),
// 2 on bad options.
int run_fuzz(const FuzzOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tools
