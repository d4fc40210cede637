// The closing summary of `redsim run --format summary`, on two bundled scenarios.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "tools/check_command.h"
#include "tools/run_summary.h"
#include "tools/scenario_run.h"

namespace {

std::string summary_of(const std::string& scenario_name) {
  std::ostringstream err;
  std::optional<tools::Scenario> scenario = tools::load_scenario_file(
      std::string(REDSIM_SOURCE_DIR) + "/scenarios/" + scenario_name, err);
  REQUIRE_MESSAGE(scenario, err.str());
  tools::ScenarioRun run(*scenario, {});
  tools::RunSummary summary;
  run.add_sink(&summary);
  tools::RunResult result = run.run();
  std::ostringstream out;
  summary.print(out, result.until);
  return out.str();
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("summary: faults, roles over time, and each sync with its kind and reason") {
  std::string s = summary_of("replication-basics.jsonc");
  CAPTURE(s);
  CHECK(has_line(s, "     20.000s replica2   kill -9 replica2"));
  CHECK(has_line(s, "  master     master 0.000s-60.000s"));
  CHECK(has_line(s, "  replica2   replica 0.000s-20.000s, down 20.000s-25.000s, "
                    "replica 25.000s-60.000s"));
  CHECK(has_line(s, "synchronisations: 2 full, 1 partial"));
  CHECK(has_line(s, "      0.001s master     full: Full resync requested by replica "
                    "127.0.0.1:6380"));
  CHECK(s.find("partial: Partial resynchronization request from 127.0.0.1:6381 accepted.") !=
        std::string::npos);
  CHECK(s.find("sentinel:") == std::string::npos);  // no Sentinel, no Sentinel section
}

TEST_CASE("summary: a failover's milestones and the promoted replica's new role") {
  std::string s = summary_of("sentinel-failover.jsonc");
  CAPTURE(s);
  CHECK(s.find("  master     master 0.000s-5.200s, down 5.200s-37.002s, master 37.002s-") !=
        std::string::npos);
  CHECK(s.find("sentinel:\n") != std::string::npos);
  for (std::string_view milestone : {"+sdown master mymaster", "+odown master mymaster",
                                     "+elected-leader master mymaster", "+promoted-slave slave",
                                     "+failover-end master mymaster", "+convert-to-slave slave"}) {
    CHECK(s.find(milestone) != std::string::npos);
  }
  // Exactly one of the replicas became the master, at the promotion.
  bool promoted_1 = s.find("  replica1   replica 0.000s-") != std::string::npos &&
                    s.find("  replica1   replica 0.000s-60.000s") == std::string::npos;
  bool promoted_2 = s.find("  replica2   replica 0.000s-") != std::string::npos &&
                    s.find("  replica2   replica 0.000s-60.000s") == std::string::npos;
  CHECK(promoted_1 != promoted_2);
}
