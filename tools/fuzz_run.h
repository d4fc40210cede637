// Running one fuzz case, twice, and shrinking a failing one.
//
// A case is run from its scenario file text (fuzz_case.h), through the same loader and engine
// as `redsim run`, so the file written for a failure replays exactly what failed. Every case
// runs twice: different trace hashes are a determinism failure, reported with the first record
// where the two traces part.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tools/fuzz_case.h"
#include "tools/invariants.h"

namespace tools {

struct CaseOutcome {
  std::vector<Finding> findings;  // violations and known findings
  // Problems that are not the model's: the generated scenario did not load (a generator bug),
  // a run did not finish its steps, or the two runs differed.
  std::vector<std::string> errors;
  std::optional<std::string> nondeterminism;  // the first diverging record of the two runs
  uint64_t trace_hash = 0;
  uint64_t lost_writes = 0;
  sim::Duration longest_outage;  // the longest window without an acknowledged write

  // The name of the first violation (or "determinism", "scenario-error"); empty when none.
  std::string failure() const;
};

// Runs `c` once, or twice when `twice` (the determinism check). With `in_flight`, the case's
// scenario file is written there first, so a crash of the simulator leaves it to replay.
CaseOutcome run_case(const FuzzCase& c, bool twice,
                     const std::filesystem::path* in_flight = nullptr);

struct ShrinkResult {
  FuzzCase minimal;
  CaseOutcome outcome;  // of the minimal case
  uint32_t cases_tried = 0;
};

// Greedy shrinking: takes the first of rapidcheck's shrinks that still fails with `failure`
// and goes on from it, until none does or `budget` cases have been tried. The simulation seed
// stays fixed (it is not drawn).
ShrinkResult shrink_case(const rc::Shrinkable<FuzzCase>& failing, const CaseOutcome& outcome,
                         uint32_t budget, const std::filesystem::path* in_flight = nullptr);

}  // namespace tools
