#include "tools/run_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <span>

namespace tools {
namespace {

// The master's log lines that decide a synchronisation (replication.c masterTryPartialResync):
// each names its reason.
constexpr std::string_view kFullResyncEvents[] = {"full-resync-requested", "psync-id-mismatch",
                                                  "psync-offset-mismatch", "psync-no-backlog"};

// Sentinel's milestones: detection, election, failover, switch, and what interrupts them.
constexpr std::string_view kSentinelMilestones[] = {
    "+sdown",          "+odown",          "+try-failover",
    "+elected-leader", "+selected-slave", "+promoted-slave",
    "+failover-end",   "+switch-master",  "+convert-to-slave",
    "+fix-slave-config", "-failover-abort-not-elected", "-failover-abort-no-good-slave",
    "-failover-abort-slave-timeout", "+failover-end-for-timeout", "+tilt", "-tilt"};

bool one_of(std::string_view event, std::span<const std::string_view> names) {
  return std::find(names.begin(), names.end(), event) != names.end();
}

std::string_view role_name(char mark) {
  return mark == 'M' ? "master" : mark == 'S' ? "replica" : "down";
}

}  // namespace

void RunSummary::note_role(const std::string& node, sim::Time t, char mark) {
  std::vector<Role>& periods = roles_[node];
  if (!periods.empty() && periods.back().mark == mark) return;
  periods.push_back({t, mark});
}

void RunSummary::write(const sim::TraceRecord& r) {
  std::string node(r.node);
  if (r.kind == "fault") {
    faults_.push_back({r.t, node, std::string(r.text)});
    if (r.text.starts_with("kill -9 ")) note_role(node, r.t, '-');
    return;
  }
  if (r.kind == "server") {
    // The role mark of a redis-server's log lines ("1234:M"); a Sentinel's is 'X'.
    char mark = r.tag.empty() ? ' ' : r.tag.back();
    if (r.event == "bye") {
      note_role(node, r.t, '-');
    } else if (mark == 'M' || mark == 'S') {
      note_role(node, r.t, mark);
    }
    bool partial = r.event == "psync-accepted" && r.text.starts_with("Partial resynchronization");
    if (partial || one_of(r.event, kFullResyncEvents)) {
      syncs_.push_back({r.t, node, fmt::format("{}: {}", partial ? "partial" : "full", r.text)});
    }
    return;
  }
  if (r.kind == "sentinel" && one_of(r.event, kSentinelMilestones)) {
    sentinel_.push_back({r.t, node, std::string(r.text)});
  }
}

void RunSummary::print(std::ostream& out, sim::Time until) const {
  auto line = [&out](const Line& l) {
    out << fmt::format("  {:>10} {:<10} {}\n", sim::format_seconds(l.t), l.node, l.text);
  };
  out << "faults:\n";
  if (faults_.empty()) out << "  none\n";
  for (const Line& l : faults_) line(l);

  out << "roles:\n";
  for (const auto& [node, periods] : roles_) {
    std::string text;
    for (size_t i = 0; i < periods.size(); ++i) {
      sim::Time end = i + 1 < periods.size() ? periods[i + 1].since : until;
      text += fmt::format("{}{} {}-{}", i == 0 ? "" : ", ", role_name(periods[i].mark),
                          sim::format_seconds(periods[i].since), sim::format_seconds(end));
    }
    out << fmt::format("  {:<10} {}\n", node, text);
  }

  out << fmt::format("synchronisations: {} full, {} partial\n",
                     std::count_if(syncs_.begin(), syncs_.end(),
                                   [](const Line& l) { return l.text.starts_with("full"); }),
                     std::count_if(syncs_.begin(), syncs_.end(),
                                   [](const Line& l) { return l.text.starts_with("partial"); }));
  for (const Line& l : syncs_) line(l);

  if (!sentinel_.empty()) {
    out << "sentinel:\n";
    for (const Line& l : sentinel_) line(l);
  }
}

}  // namespace tools
