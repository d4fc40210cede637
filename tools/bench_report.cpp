#include "tools/bench_report.h"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <sys/resource.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

namespace tools {
namespace {

// 1234567 -> "1,234,567": the figures are read by people first.
std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string cell(const Figure& f) {
  std::string text = std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, uint64_t>) return grouped(v);
        if constexpr (std::is_same_v<T, double>) return fmt::format("{:.{}f}", v, f.decimals);
        if constexpr (std::is_same_v<T, std::string>) return v;
      },
      f.value);
  return f.unit.empty() ? text : text + " " + f.unit;
}

nlohmann::json object_of(const std::vector<Figure>& figures) {
  nlohmann::json j = nlohmann::json::object();
  for (const Figure& f : figures) {
    std::visit([&](const auto& v) { j[f.key] = v; }, f.value);
  }
  return j;
}

}  // namespace

uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // ru_maxrss is in KiB
}

void print_table(const BenchReport& report, std::ostream& out) {
  fmt::print(out, "{}\n", report.description);
  size_t label_width = 0;
  for (const Figure& f : report.figures) label_width = std::max(label_width, f.label.size());
  for (const Figure& f : report.figures) {
    fmt::print(out, "  {:<{}}  {:>16}\n", f.label, label_width, cell(f));
  }
  if (report.rows.empty()) return;
  // Columns as wide as their widest cell or label.
  const std::vector<Figure>& first = report.rows.front();
  std::vector<size_t> widths;
  for (size_t c = 0; c < first.size(); ++c) {
    size_t w = first[c].label.size();
    for (const auto& row : report.rows) w = std::max(w, cell(row[c]).size());
    widths.push_back(w);
  }
  std::string header = " ";
  for (size_t c = 0; c < first.size(); ++c) header += fmt::format(" {:>{}}", first[c].label, widths[c]);
  fmt::print(out, "{}\n", header);
  for (const auto& row : report.rows) {
    std::string line = " ";
    for (size_t c = 0; c < row.size(); ++c) line += fmt::format(" {:>{}}", cell(row[c]), widths[c]);
    fmt::print(out, "{}\n", line);
  }
}

void print_json(const BenchReport& report, std::ostream& out) {
  nlohmann::json j = object_of(report.figures);
  j["workload"] = report.workload;
  if (!report.rows.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : report.rows) rows.push_back(object_of(row));
    j["rows"] = rows;
  }
  out << j.dump(2) << "\n";
}

}  // namespace tools
