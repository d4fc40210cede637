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

TEST_CASE("invariants: a failover epoch lost to a restart is known, a saved one is kept") {
  // Woken up in TILT (paused 3 s), sentinel1 takes epoch 1 for a SENTINEL FAILOVER, but its
  // failover state machine does not run in TILT, so it never votes and never saves the epoch
  // (as real Sentinel 7.0.15 does): killed and restarted, it reads epoch 0 back.
  std::string text = deployment(
      R"({"at": "5s", "do": "pause sentinel1"}, {"at": "8s", "do": "resume sentinel1"}, )"
      R"({"at": "8500ms", "do": "redis-cli -p 26379 sentinel failover mymaster &"}, )"
      R"({"at": "10s", "do": "kill -9 sentinel1"}, {"at": "12s", "do": "start sentinel1"})");
  tools::RunResult r = run_text(text);
  CHECK(names(r.findings, false).empty());
  CHECK(names(r.findings, true) ==
        std::vector<std::string>{std::string(tools::known::kFailoverEpochNotSaved)});
  // Without TILT the forced failover runs: the Sentinel votes for itself, which saves the
  // epoch, so the same kill and restart lose nothing.
  std::string saved = deployment(
      R"({"at": "8500ms", "do": "redis-cli -p 26379 sentinel failover mymaster &"}, )"
      R"({"at": "10s", "do": "kill -9 sentinel1"}, {"at": "12s", "do": "start sentinel1"})");
  tools::RunResult s = run_text(saved);
  CHECK(names(s.findings, false).empty());
  CHECK(std::ranges::count(names(s.findings, true),
                           std::string(tools::known::kFailoverEpochNotSaved)) == 0);
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
