// The scenario workloads of `redsim bench`, each at a tiny size: they simulate what they say
// (the deployment comes up whole, the failover converts the old master, every master of the
// scale run is watched) and report it. No timing is asserted: speed lives in BENCHMARKS.md.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tools/bench_scenario.h"
#include "tools/bench_topology.h"
#include "tools/bench_workloads.h"

namespace {

using Value = std::variant<uint64_t, double, std::string>;

Value figure(const std::vector<tools::Figure>& figures, std::string_view key) {
  for (const tools::Figure& f : figures) {
    if (f.key == key) return f.value;
  }
  FAIL("no figure " << key);
  return {};
}

uint64_t count(const std::vector<tools::Figure>& figures, std::string_view key) {
  return std::get<uint64_t>(figure(figures, key));
}

}  // namespace

TEST_CASE("bench idle: all three Sentinels see slaves=2,sentinels=3 and nothing goes down") {
  tools::BenchReport r = tools::run_idle_bench({sim::Duration::seconds(120)});
  CHECK(count(r.figures, "healthy_views") == 3);
  CHECK(count(r.figures, "checks") == 1);  // no +sdown
  CHECK(count(r.figures, "checks_passed") == 1);
  CHECK(std::get<double>(figure(r.figures, "virtual_seconds")) == 120.0);
}

TEST_CASE("bench busy: the writers' writes are acknowledged at the asked rate, none lost") {
  tools::BusyBenchOptions o;
  o.duration = sim::Duration::seconds(3);
  o.writes_per_second = 2000;
  o.writers = 2;
  o.keys = 10;
  tools::BenchReport r = tools::run_busy_bench(o);
  // 2 s of writing (from 1 s) at 2,000/s: one round trip (~250 us) fits in each 1 ms period.
  CHECK(count(r.figures, "acknowledged_writes") >= 3990);
  CHECK(count(r.figures, "acknowledged_writes") <= 4000);
  CHECK(count(r.figures, "checks_passed") == 2);  // no +sdown, no lost write
  CHECK(count(r.figures, "healthy_views") == 3);
}

TEST_CASE("bench failover: the default scenario reaches +convert-to-slave ~42 s after the kill") {
  tools::BenchReport r = tools::run_failover_bench({1});
  double span = std::get<double>(figure(r.figures, "failover_virtual_seconds"));
  CHECK(span > 40.0);
  CHECK(span < 45.0);
  CHECK(count(r.figures, "checks") == count(r.figures, "checks_passed"));
  CHECK(std::get<double>(figure(r.figures, "real_redis_seconds")) == 42.016);
}

TEST_CASE("bench scale: every Sentinel watches every master with its replicas and peers") {
  tools::ScaleBenchOptions o;
  o.masters = {2, 4};
  o.sentinels = 3;
  o.duration = sim::Duration::seconds(20);
  tools::BenchReport r = tools::run_scale_bench(o);  // each size in a child process
  REQUIRE(r.rows.size() == 2);
  CHECK(count(r.rows[0], "processes") == 9);
  CHECK(count(r.rows[0], "healthy_views") == 6);
  CHECK(count(r.rows[1], "healthy_views") == 12);
  CHECK(count(r.rows[1], "peak_rss_bytes") > 0);
}

TEST_CASE("bench topology: the tutorial's lines for every master, one host per node") {
  tools::Scenario s =
      tools::sentinel_topology({300, 2, 3}, "t", sim::Duration::seconds(1));
  REQUIRE(s.nodes.size() == 300 * 3 + 3);
  CHECK(s.nodes[0].name == "m0");
  CHECK(s.nodes[3 * 299 + 2].addr.host == "10.2.1.43");  // m299-r2
  CHECK(s.nodes[3 * 299 + 2].conf[2] == "slaveof 10.0.1.43 6379");
  const tools::NodeSpec& sentinel = s.nodes.back();
  CHECK(sentinel.sentinel);
  CHECK(sentinel.conf.size() == 1 + 300 * 4);
  CHECK(sentinel.conf[1] == "sentinel monitor m0 10.0.0.0 6379 2");
}

TEST_CASE("bench reports print every figure in the table and the JSON") {
  tools::BenchReport r{"w", "w: a test", {{"wall_seconds", "wall time", 1.5, 3, "s"},
                                          {"events", "events", uint64_t{1234567}}}};
  r.rows.push_back({{"masters", "masters", uint64_t{10}}});
  std::ostringstream table, json;
  tools::print_table(r, table);
  tools::print_json(r, json);
  CHECK(table.str().find("1.500 s") != std::string::npos);
  CHECK(table.str().find("1,234,567") != std::string::npos);
  nlohmann::json j = nlohmann::json::parse(json.str());
  CHECK(j["workload"] == "w");
  CHECK(j["events"] == 1234567);
  CHECK(j["rows"][0]["masters"] == 10);
}
