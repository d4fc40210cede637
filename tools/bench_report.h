// What a `redsim bench` workload reports: named figures, printed as a table for people or as
// JSON (--json) for scripts. One printer for every workload, so they all read alike.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

namespace tools {

struct Figure {
  std::string key;    // JSON key, as in BENCHMARKS.md: "events_per_second"
  std::string label;  // table label: "events/s"
  std::variant<uint64_t, double, std::string> value;
  int decimals = 0;  // doubles: digits after the point in the table (JSON keeps them all)
  std::string unit = "";  // table only: "x", "s"
};

struct BenchReport {
  std::string workload;     // "idle"
  std::string description;  // the table's first line
  std::vector<Figure> figures;
  // Rows of a table (scale: one per size), each with the same figures in the same order.
  std::vector<std::vector<Figure>> rows = {};
};

// The peak resident set size of this process so far (getrusage), as every report gives it.
uint64_t peak_rss_bytes();

void print_table(const BenchReport& report, std::ostream& out);
// {"workload": ..., <figures>, "rows": [{<figures>}, ...]}
void print_json(const BenchReport& report, std::ostream& out);

}  // namespace tools
