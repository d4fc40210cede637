#include "tools/fuzz_run.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "tools/scenario.h"
#include "tools/scenario_run.h"

namespace tools {

namespace {

constexpr std::string_view kCaseFile = "fuzz-case.jsonc";

struct SingleRun {
  RunResult result;
  std::vector<std::string> errors;
};

// One run of the case's scenario; with `timeline`, its trace goes there too.
SingleRun run_once(const Scenario& scenario, std::ostream* timeline) {
  ScenarioRun run(scenario, RunOptions{});
  std::optional<sim::TimelineSink> sink;
  if (timeline) {
    sink.emplace(*timeline);
    run.add_sink(&*sink);
  }
  SingleRun out{run.run(), {}};
  for (const CheckResult& c : out.result.checks) {
    // Violations are findings; any other failed check is a step that did not finish.
    if (!c.passed && c.expectation == nullptr && !c.message.starts_with("violation ")) {
      out.errors.push_back(c.message);
    }
  }
  return out;
}

// The first line where the two runs' timelines differ, or nullopt when they agree (the
// nondeterminism did not show again).
std::optional<std::string> first_divergence(const Scenario& scenario) {
  std::ostringstream a, b;
  run_once(scenario, &a);
  run_once(scenario, &b);
  std::istringstream ia(a.str()), ib(b.str());
  std::string la, lb;
  for (size_t line = 1;; ++line) {
    bool more_a = static_cast<bool>(std::getline(ia, la));
    bool more_b = static_cast<bool>(std::getline(ib, lb));
    if (!more_a && !more_b) return std::nullopt;
    if (la != lb || more_a != more_b) {
      return fmt::format("trace record {} differs: \"{}\" then \"{}\"", line,
                         more_a ? la : "(end)", more_b ? lb : "(end)");
    }
  }
}

}  // namespace

std::string CaseOutcome::failure() const {
  for (const Finding& f : findings) {
    if (!f.known) return f.name;
  }
  if (nondeterminism) return "determinism";
  if (!errors.empty()) return "scenario-error";
  return {};
}

CaseOutcome run_case(const FuzzCase& c, bool twice, const std::filesystem::path* in_flight) {
  CaseOutcome outcome;
  std::string text = scenario_text(c, {});
  if (in_flight) std::ofstream(*in_flight, std::ios::binary) << text;
  LoadResult loaded = load_scenario(kCaseFile, text);
  if (!loaded.scenario) {
    for (const Diagnostic& d : loaded.errors) outcome.errors.push_back(d.to_string());
    return outcome;
  }
  SingleRun first = run_once(*loaded.scenario, nullptr);
  outcome.findings = first.result.findings;
  outcome.errors = first.errors;
  outcome.trace_hash = first.result.trace_hash;
  if (first.result.clients) {
    outcome.lost_writes = first.result.clients->lost();
    outcome.longest_outage = first.result.clients->longest_no_ack();
  }
  if (twice) {
    SingleRun second = run_once(*loaded.scenario, nullptr);
    if (second.result.trace_hash != first.result.trace_hash) {
      outcome.nondeterminism = first_divergence(*loaded.scenario).value_or(fmt::format(
          "trace hashes {:016x} and {:016x}; a third and fourth run agreed",
          first.result.trace_hash, second.result.trace_hash));
    }
  }
  return outcome;
}

ShrinkResult shrink_case(const rc::Shrinkable<FuzzCase>& failing, const CaseOutcome& outcome,
                         uint32_t budget, const std::filesystem::path* in_flight) {
  ShrinkResult best{case_of(failing), outcome, 0};
  std::string failure = outcome.failure();
  rc::Shrinkable<FuzzCase> current = failing;
  bool progressed = true;
  while (progressed && best.cases_tried < budget) {
    progressed = false;
    CaseShrinks shrinks(current);
    while (std::optional<rc::Shrinkable<FuzzCase>> next = shrinks.next()) {
      if (best.cases_tried++ >= budget) break;
      FuzzCase candidate = case_of(*next);
      // The determinism check only when that is what failed: shrinking a violation needs
      // one run per candidate.
      CaseOutcome o = run_case(candidate, failure == "determinism", in_flight);
      if (o.failure() != failure) continue;
      best = ShrinkResult{std::move(candidate), std::move(o), best.cases_tried};
      current = *next;
      progressed = true;
      break;
    }
  }
  return best;
}

}  // namespace tools
