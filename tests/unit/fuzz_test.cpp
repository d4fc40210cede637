// The fuzzer: its generator, the invariant monitor on hand-made scenarios, the property suite
// with a fixed seed, and the campaign's independence from --jobs.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tools/fuzz_case.h"
#include "tools/fuzz_command.h"
#include "tools/fuzz_run.h"
#include "tools/known_findings.h"
#include "tools/scenario.h"
#include "tools/scenario_run.h"

namespace {

tools::FuzzCase draw(uint64_t seed) {
  return tools::case_of(tools::draw_fuzz_case(seed));
}

tools::RunResult run_text(const std::string& text) {
  tools::LoadResult loaded = tools::load_scenario("t.jsonc", text);
  REQUIRE_MESSAGE(loaded.scenario, (loaded.errors.empty() ? "" : loaded.errors[0].to_string()));
  tools::ScenarioRun run(*loaded.scenario, {});
  return run.run();
}

std::vector<std::string> names(const std::vector<tools::Finding>& findings, bool known) {
  std::vector<std::string> out;
  for (const tools::Finding& f : findings) {
    if (f.known == known) out.push_back(f.name);
  }
  return out;
}

// A master, two replicas, three Sentinels (quorum 2, down-after 2 s) with invariants on, and
// `steps` and `more` members.
std::string deployment(std::string_view steps, std::string_view more = "",
                       std::string_view until = "60s") {
  std::string sentinels;
  for (int i = 0; i < 3; ++i) {
    sentinels += fmt::format(
        R"("sentinel{0}": {{"addr": "127.0.0.1:{1}", "sentinel": true, "start": "100ms", )"
        R"("conf": ["port {1}", "sentinel monitor mymaster 127.0.0.1 6379 2", )"
        R"("sentinel down-after-milliseconds mymaster 2000", )"
        R"("sentinel failover-timeout mymaster 10000"]}},)",
        i + 1, 26379 + i);
  }
  sentinels.pop_back();
  return fmt::format(
      R"({{"name": "t", "seed": 3, "invariants": true, "until": "{}", "nodes": {{)"
      R"("master": {{"addr": "127.0.0.1:6379", "conf": ["port 6379", "save \"\""]}},)"
      R"("replica1": {{"addr": "127.0.0.1:6380", "conf": ["port 6380", "save \"\"", )"
      R"("replicaof 127.0.0.1 6379"]}},)"
      R"("replica2": {{"addr": "127.0.0.1:6381", "conf": ["port 6381", "save \"\"", )"
      R"("replicaof 127.0.0.1 6379"]}},{}}}, "steps": [{}]{}}})",
      until, sentinels, steps, more);
}

}  // namespace

TEST_CASE("fuzz generator: every drawn case is a valid scenario whose faults are repaired") {
  for (uint64_t i = 0; i < 300; ++i) {
    tools::FuzzCase c = draw(tools::case_seed(42, i));
    CAPTURE(tools::describe(c));
    const tools::Topology& t = c.topology;
    CHECK(t.replicas <= 4);
    CHECK(t.sentinels >= 1);
    CHECK(t.sentinels <= 7);
    CHECK(t.quorum >= 1);
    CHECK(t.quorum <= t.sentinels);
    CHECK(c.faults.size() <= 8);
    std::string text = tools::scenario_text(c, {"a header"});
    CHECK(text.starts_with("// a header\n"));
    tools::LoadResult loaded = tools::load_scenario("case.jsonc", text);
    REQUIRE_MESSAGE(loaded.scenario, (loaded.errors.empty() ? "" : loaded.errors[0].to_string()));
    CHECK(loaded.warnings.empty());
    const tools::Scenario& s = *loaded.scenario;
    CHECK(s.invariants);
    CHECK(s.seed == c.seed);
    // Every step lies in the fault window or its final repairs, so the run ends with the
    // whole liveness bound quiet.
    sim::Time repaired = sim::kTimeZero + sim::Duration::millis(tools::kRepairedMs);
    for (const tools::Step& step : s.steps) CHECK(step.at <= repaired);
    CHECK(s.until == repaired + tools::liveness_bound(t));
    // Whatever a fault breaks, a later step mends.
    for (const tools::Step& step : s.steps) {
      auto later = [&](std::string_view repair) {
        return std::any_of(s.steps.begin(), s.steps.end(), [&](const tools::Step& o) {
          return o.at >= step.at && &o != &step && o.text == repair;
        });
      };
      const std::string& d = step.text;
      if (d.starts_with("kill -9 ")) CHECK(later("start " + d.substr(8)));
      if (d.starts_with("kill ") && !d.starts_with("kill -9 ")) CHECK(later("start " + d.substr(5)));
      if (d.starts_with("pause ")) CHECK(later("resume " + d.substr(6)));
      if (d.starts_with("host down ")) CHECK(later("host up " + d.substr(10)));
      if (d.starts_with("partition ")) CHECK(later("heal"));
    }
  }
}

TEST_CASE("fuzz generator: the same seed draws the same case, another seed another") {
  CHECK(tools::scenario_text(draw(5), {}) == tools::scenario_text(draw(5), {}));
  CHECK(tools::scenario_text(draw(5), {}) != tools::scenario_text(draw(6), {}));
}

TEST_CASE("invariants: a kill -9 failover keeps every property; its lost writes are known") {
  // A writer and a kill -9 of the master, restarted later: the failover is clean, the old
  // master comes back as a replica.
  std::string text = deployment(
      R"({"at": "8s", "do": "kill -9 master"}, {"at": "20s", "do": "start master"})",
      R"(, "clients": {"app": {"kind": "redis-py", "master": "mymaster", "write_every": "10ms", )"
      R"("start": "1s", "stop": "30s"}})",
      "90s");
  tools::RunResult r = run_text(text);
  CHECK(names(r.findings, false).empty());
  CHECK(r.passed());
  for (const tools::Finding& f : r.findings) {
    CHECK(!tools::explain_known_finding(f.name).empty());
  }
}

// Sentinel saves its config on most epoch changes but not on two; a restart before the next
// save loses the epoch, as on real Sentinel 7.0.15 (known_findings.cpp, epoch-not-saved).
TEST_CASE("invariants: an epoch Redis never saved is lost to a restart, a known finding") {
  const std::vector<std::string> known_epoch_not_saved = {std::string(tools::known::kEpochNotSaved)};
  SUBCASE("the current epoch of a SENTINEL FAILOVER sent in TILT") {
    // Woken up in TILT (paused 3 s), sentinel1 takes epoch 1 for the failover, but its
    // failover state machine does not run in TILT, so it never votes, which would save it.
    tools::RunResult r = run_text(deployment(
        R"({"at": "5s", "do": "pause sentinel1"}, {"at": "8s", "do": "resume sentinel1"}, )"
        R"({"at": "8500ms", "do": "redis-cli -p 26379 sentinel failover mymaster &"}, )"
        R"({"at": "10s", "do": "kill -9 sentinel1"}, {"at": "12s", "do": "start sentinel1"})"));
    CHECK(names(r.findings, false).empty());
    REQUIRE(names(r.findings, true) == known_epoch_not_saved);
    CHECK(r.findings[0].message.find("current epoch went from 1 back to 0") != std::string::npos);
  }
  SUBCASE("the same forced failover out of TILT votes, which saves: nothing is lost") {
    tools::RunResult r = run_text(deployment(
        R"({"at": "8500ms", "do": "redis-cli -p 26379 sentinel failover mymaster &"}, )"
        R"({"at": "10s", "do": "kill -9 sentinel1"}, {"at": "12s", "do": "start sentinel1"})"));
    CHECK(names(r.findings, false).empty());
    CHECK(std::ranges::count(names(r.findings, true), known_epoch_not_saved[0]) == 0);
  }
  SUBCASE("a config epoch a hello raised for the address already known") {
    // A hello from a Sentinel nobody runs, with config epoch 2 for the same master address:
    // every Sentinel adopts the epoch without a switch, so nothing saves it.
    tools::RunResult r = run_text(deployment(
        R"({"at": "3s", "do": "redis-cli -p 6379 publish __sentinel__:hello )"
        R"(127.0.0.1,27999,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2,mymaster,127.0.0.1,6379,2"}, )"
        R"({"at": "4s", "do": "kill -9 sentinel1"}, {"at": "5s", "do": "start sentinel1"})",
        "", "20s"));
    CHECK(names(r.findings, false).empty());
    REQUIRE(names(r.findings, true) == known_epoch_not_saved);
    CHECK(r.findings[0].message.find("config epoch of mymaster went from 2 back to 0") !=
          std::string::npos);
  }
}

TEST_CASE("invariants: a replica cut off for good breaks replicas-follow-master, named") {
  std::string text = deployment(R"({"at": "5s", "do": "partition replica2 | master,replica1"})");
  tools::RunResult r = run_text(text);
  REQUIRE(names(r.findings, false) == std::vector<std::string>{"replicas-follow-master"});
  CHECK(r.findings[0].message.find("replica2") != std::string::npos);
  CHECK(r.findings[0].message.find("link down") != std::string::npos);
  CHECK(!r.passed());
}

TEST_CASE("invariants: Sentinels split for good break sentinels-agree") {
  // The master and sentinel1 on one side; the replicas and two Sentinels fail over on the
  // other, and sentinel1 never hears of it.
  std::string text = deployment(
      R"({"at": "5s", "do": "partition master,sentinel1 | replica1,replica2,sentinel2,sentinel3"})");
  tools::RunResult r = run_text(text);
  std::vector<std::string> violations = names(r.findings, false);
  REQUIRE(!violations.empty());
  CHECK(violations[0] == "sentinels-agree");
  CHECK(r.findings[0].message.find("config epoch") != std::string::npos);
}

TEST_CASE("scenario steps: a background redis-cli step holds nothing back") {
  // SENTINEL FAILOVER to a paused Sentinel: its reply only comes after the resume, yet the
  // next step (the resume itself) runs at its time.
  std::string text = deployment(
      R"({"at": "5s", "do": "pause sentinel1"},)"
      R"({"at": "6s", "do": "redis-cli -p 26379 sentinel failover mymaster &"},)"
      R"({"at": "9s", "do": "resume sentinel1"})");
  tools::LoadResult loaded = tools::load_scenario("t.jsonc", text);
  REQUIRE(loaded.scenario);
  tools::ScenarioRun run(*loaded.scenario, {});
  struct Cli : sim::TraceSink {
    std::vector<sim::Time> replies, resumes;
    void write(const sim::TraceRecord& r) override {
      if (r.kind == "cli") replies.push_back(r.t);
      if (r.kind == "fault" && r.text.starts_with("resume")) resumes.push_back(r.t);
    }
  } seen;
  run.add_sink(&seen);
  tools::RunResult r = run.run();
  REQUIRE(seen.resumes.size() == 1);
  CHECK(seen.resumes[0] == sim::kTimeZero + sim::Duration::seconds(9));
  REQUIRE(seen.replies.size() == 1);
  CHECK(seen.replies[0] >= seen.resumes[0]);
  CHECK(r.passed());
}

TEST_CASE("fuzz properties: a fixed-seed campaign finds no violation, and replays") {
  // Bounded: a Debug + sanitizer build runs far slower than Release.
#ifdef NDEBUG
  constexpr uint64_t kRuns = 40;
#else
  constexpr uint64_t kRuns = 6;
#endif
  for (uint64_t i = 0; i < kRuns; ++i) {
    uint64_t seed = tools::case_seed(20261122, i);
    tools::FuzzCase c = draw(seed);
    tools::CaseOutcome o = tools::run_case(c, /*twice=*/true);
    CAPTURE(i);
    CAPTURE(tools::scenario_text(c, {}));
    CHECK(o.errors.empty());
    CHECK(!o.nondeterminism);
    for (const tools::Finding& f : o.findings) {
      CAPTURE(f.message);
      CHECK(f.known);
      CHECK(!tools::explain_known_finding(f.name).empty());
    }
  }
}

TEST_CASE("redsim fuzz: the results do not depend on --jobs; bad options are refused") {
  auto campaign = [](uint32_t jobs) {
    tools::FuzzOptions o;
    o.runs = 4;
    o.seed = 99;
    o.jobs = jobs;
    o.json = true;
    o.progress = false;
    o.out = std::filesystem::temp_directory_path() / "redsim-fuzz-test";
    std::ostringstream out, err;
    CHECK(tools::run_fuzz(o, out, err) == 0);
    nlohmann::json j = nlohmann::json::parse(out.str());
    j.erase("wall_seconds");
    j.erase("runs_per_second");
    j.erase("jobs");
    return j;
  };
  nlohmann::json one = campaign(1), two = campaign(2);
  CHECK(one == two);
  CHECK(one["runs"] == 4);
  CHECK(one["replay"] == "redsim fuzz --seed 99 --runs 4");

  tools::FuzzOptions bad;
  bad.shard = "3/3";
  std::ostringstream out, err;
  CHECK(tools::run_fuzz(bad, out, err) == 2);
  CHECK(err.str().find("--shard 3/3: expected K/N with 0 <= K < N") != std::string::npos);
}
