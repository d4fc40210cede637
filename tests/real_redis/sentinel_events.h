// Sentinel events of the two worlds, compared the way shared/oracle/compare.py compares a
// simulated run with real ones: per Sentinel, the event names from the fault on; the leader
// (the Sentinel that logged +elected-leader first) against the leader, the followers against
// the followers sorted by sequence length; each pair scored by difflib's
// SequenceMatcher(None, a, b, autojunk=False).ratio().
//
// Invariants:
// - similarity() is difflib's ratio exactly: 2 * M / (len(a) + len(b)), M the total size of
//   the matching blocks found by the recursive longest-common-run search (1.0 for two empty
//   sequences).
// - An event's name is the first word of its text (a log line's text after the level mark);
//   only words starting with '+' or '-' and a lowercase letter are events (normalize.py's
//   EVENT_RE); +role-change and -role-change are left out, as compare.py does.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/unit/sentinel_harness.h"

namespace real_redis {

struct TimedEvent {
  int64_t ms = 0;    // after the fault
  std::string name;  // "+sdown"
  std::string text;  // "+sdown master mymaster 127.0.0.1 17600"
};

// One Sentinel's events from the fault on.
struct EventSequence {
  std::string sentinel;  // its node name
  std::vector<TimedEvent> events;
  std::vector<std::string> names() const;
  bool has(std::string_view name) const;
};

// The events of a real Sentinel's log file from byte `from` on (the log's size when the
// fault was injected, at wall-clock time `fault`). Redis stamps log lines with the local
// time of day to the millisecond; so are the event times read here.
EventSequence read_real_events(const std::string& sentinel, const std::string& log_path,
                               uintmax_t from, std::chrono::system_clock::time_point fault);
// The events the simulated Sentinel `sentinel` traced at or after `fault`.
EventSequence sim_events(const std::string& sentinel, const test::EventRecorder& recorder,
                         sim::Time fault);

// difflib.SequenceMatcher(None, a, b, autojunk=False).ratio().
double similarity(const std::vector<std::string>& a, const std::vector<std::string>& b);

// The sequences of one world split as compare.py splits them: the leader (none if nobody was
// elected: an empty sequence) and the others, shortest first.
struct Roles {
  EventSequence leader;
  std::vector<EventSequence> followers;
};
Roles split_roles(std::vector<EventSequence> sentinels);

// Two sequences side by side, aligned on their matching blocks ('=' marks a matched row):
//     real sentinel2                               sim sentinel3
//      1043 +sdown                           =      1001 +sdown
std::string side_by_side(const EventSequence& real, const EventSequence& simulated);
// One event a line, with its full text: "  sentinel1  1126 +try-failover master mymaster ...".
std::string listing(const EventSequence& sequence);

}  // namespace real_redis
