// The checker checks itself: with a known bug planted in the model (a build configured with
// -DREDSIM_PLANTED_BUGS=ON), the fuzzer finds it within a bounded number of runs and shrinks
// it to a short scenario that replays the violation.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>

#include "model/planted_bugs.h"
#include "tools/fuzz_case.h"
#include "tools/fuzz_command.h"
#include "tools/fuzz_run.h"
#include "tools/scenario.h"
#include "tools/scenario_run.h"

namespace {

struct Found {
  uint64_t run = 0;
  tools::ShrinkResult shrunk;
};

// Plays the runs of campaign `seed` until one fails with `violation` (nullopt after `runs`).
std::optional<Found> fuzz_until(std::string_view violation, uint64_t seed, uint64_t runs) {
  for (uint64_t i = 0; i < runs; ++i) {
    uint64_t case_seed = tools::case_seed(seed, i);
    rc::Shrinkable<tools::FuzzCase> drawn = tools::draw_fuzz_case(case_seed);
    tools::CaseOutcome o = tools::run_case(tools::case_of(drawn), /*twice=*/false);
    if (o.failure() != violation) continue;
    return Found{i, tools::shrink_case(drawn, o, 300)};
  }
  return std::nullopt;
}

void check_found_and_shrunk(model::PlantedBug bug, std::string_view violation, uint64_t runs) {
  model::plant_bug(bug);
  std::optional<Found> found = fuzz_until(violation, 1, runs);
  model::plant_bug(model::PlantedBug::kNone);
  REQUIRE_MESSAGE(found, "not found in " << runs << " runs");
  MESSAGE(violation << ": found in run " << found->run << ", shrunk to "
                    << found->shrunk.minimal.faults.size() << " faults ("
                    << found->shrunk.cases_tried << " cases tried)");
  CHECK(found->shrunk.minimal.faults.size() <= 3);
  CHECK(found->shrunk.outcome.failure() == violation);

  // The written scenario file replays the violation, and only with the bug planted.
  std::string text = tools::scenario_text(found->shrunk.minimal, {"counterexample"});
  tools::LoadResult loaded = tools::load_scenario("counterexample.jsonc", text);
  REQUIRE(loaded.scenario);
  auto violated = [&] {
    tools::ScenarioRun run(*loaded.scenario, {});
    tools::RunResult r = run.run();
    for (const tools::Finding& f : r.findings) {
      if (!f.known && f.name == violation) return true;
    }
    return false;
  };
  model::plant_bug(bug);
  CHECK(violated());
  model::plant_bug(model::PlantedBug::kNone);
  CHECK(!violated());
}

}  // namespace

TEST_CASE("planted: a Sentinel that votes twice in one epoch") {
  check_found_and_shrunk(model::PlantedBug::kDoubleVote, "one-vote-per-epoch", 400);
}

TEST_CASE("planted: promotion ignores replica-priority 0") {
  check_found_and_shrunk(model::PlantedBug::kPromotePriorityZero, "no-priority-zero-promotion",
                         400);
}

TEST_CASE("planted: a hello with an older config epoch is adopted") {
  check_found_and_shrunk(model::PlantedBug::kHelloOlderConfigEpoch, "epochs-never-go-backwards",
                         400);
}

TEST_CASE("planted: a master answers +CONTINUE to a history it does not have") {
  check_found_and_shrunk(model::PlantedBug::kPsyncAnyReplid, "psync-same-history", 400);
}
