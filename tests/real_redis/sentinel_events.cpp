// Reading Sentinel events from real logs and simulated traces, difflib's ratio, and the
// side-by-side listing of two sequences.
#include "tests/real_redis/sentinel_events.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include <fmt/format.h>

namespace real_redis {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

// The event name a log text starts with ("+sdown"), or "" if it is not an event.
std::string event_name(std::string_view text) {
  std::string_view word = text.substr(0, text.find(' '));
  if (word.size() < 2 || (word[0] != '+' && word[0] != '-') || word[1] < 'a' || word[1] > 'z') {
    return "";
  }
  if (word == "+role-change" || word == "-role-change") return "";
  return std::string(word);
}

// Milliseconds since local midnight of a wall-clock time.
int64_t local_ms_of_day(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  return ((local.tm_hour * 60 + local.tm_min) * 60 + local.tm_sec) * int64_t{1000} + ms % 1000;
}

// A matching block of difflib: a[i, i+size) == b[j, j+size).
struct Block {
  size_t i = 0;
  size_t j = 0;
  size_t size = 0;
};

// find_longest_match without junk: the longest common run of a[alo, ahi) and b[blo, bhi),
// the one ending first in a (then in b) among equals, as difflib's scan finds it.
Block longest_match(const std::vector<std::string>& a, const std::vector<std::string>& b,
                    size_t alo, size_t ahi, size_t blo, size_t bhi) {
  Block best{alo, blo, 0};
  std::vector<size_t> previous(bhi - blo + 1, 0);  // run lengths ending at a[i-1], b[j-1]
  std::vector<size_t> current(previous.size(), 0);
  for (size_t i = alo; i < ahi; ++i) {
    for (size_t j = blo; j < bhi; ++j) {
      size_t k = a[i] == b[j] ? previous[j - blo] + 1 : 0;
      current[j - blo + 1] = k;
      if (k > best.size) best = {i + 1 - k, j + 1 - k, k};
    }
    std::swap(previous, current);
  }
  return best;
}

// get_matching_blocks: the longest match, then the same on each side of it; in order.
void matching_blocks(const std::vector<std::string>& a, const std::vector<std::string>& b,
                     size_t alo, size_t ahi, size_t blo, size_t bhi, std::vector<Block>& out) {
  Block m = longest_match(a, b, alo, ahi, blo, bhi);
  if (m.size == 0) return;
  if (alo < m.i && blo < m.j) matching_blocks(a, b, alo, m.i, blo, m.j, out);
  out.push_back(m);
  if (m.i + m.size < ahi && m.j + m.size < bhi) {
    matching_blocks(a, b, m.i + m.size, ahi, m.j + m.size, bhi, out);
  }
}

std::vector<Block> matching_blocks(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b) {
  std::vector<Block> out;
  matching_blocks(a, b, 0, a.size(), 0, b.size(), out);
  return out;
}

std::optional<int64_t> first_ms(const EventSequence& s, std::string_view name) {
  for (const TimedEvent& e : s.events) {
    if (e.name == name) return e.ms;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> EventSequence::names() const {
  std::vector<std::string> out;
  for (const TimedEvent& e : events) out.push_back(e.name);
  return out;
}

bool EventSequence::has(std::string_view name) const { return first_ms(*this, name).has_value(); }

EventSequence read_real_events(const std::string& sentinel, const std::string& log_path,
                               uintmax_t from, std::chrono::system_clock::time_point fault) {
  EventSequence out{sentinel, {}};
  std::ifstream in(log_path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  int64_t fault_ms = local_ms_of_day(fault);
  // "<pid>:X 22 Nov 2026 02:14:04.123 # +sdown master mymaster 127.0.0.1 17600"
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string pid, day, month, year, clock, level;
    words >> pid >> day >> month >> year >> clock >> level;
    int hours = 0, minutes = 0, seconds = 0, millis = 0;
    if (!words || std::sscanf(clock.c_str(), "%d:%d:%d.%d", &hours, &minutes, &seconds,
                              &millis) != 4) {
      continue;  // not a log line (the startup logo)
    }
    std::string text;
    std::getline(words >> std::ws, text);
    std::string name = event_name(text);
    if (name.empty()) continue;
    int64_t ms_of_day = ((hours * 60 + minutes) * 60 + seconds) * int64_t{1000} + millis;
    int64_t after = (ms_of_day - fault_ms + kDayMs + kDayMs / 2) % kDayMs - kDayMs / 2;
    out.events.push_back({after, std::move(name), std::move(text)});
  }
  return out;
}

EventSequence sim_events(const std::string& sentinel, const test::EventRecorder& recorder,
                         sim::Time fault) {
  EventSequence out{sentinel, {}};
  for (const test::SentinelEvent& e : recorder.events) {
    if (e.node != sentinel || e.t < fault || event_name(e.text).empty()) continue;
    out.events.push_back({(e.t - fault).us / 1000, e.event, e.text});
  }
  return out;
}

double similarity(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() && b.empty()) return 1.0;
  size_t matches = 0;
  for (const Block& block : matching_blocks(a, b)) matches += block.size;
  return 2.0 * static_cast<double>(matches) / static_cast<double>(a.size() + b.size());
}

Roles split_roles(std::vector<EventSequence> sentinels) {
  Roles roles;
  int64_t elected_at = std::numeric_limits<int64_t>::max();
  size_t leader = sentinels.size();
  for (size_t i = 0; i < sentinels.size(); ++i) {
    std::optional<int64_t> at = first_ms(sentinels[i], "+elected-leader");
    if (at && *at < elected_at) {
      elected_at = *at;
      leader = i;
    }
  }
  for (size_t i = 0; i < sentinels.size(); ++i) {
    if (i == leader) {
      roles.leader = std::move(sentinels[i]);
    } else {
      roles.followers.push_back(std::move(sentinels[i]));
    }
  }
  std::stable_sort(roles.followers.begin(), roles.followers.end(),
                   [](const EventSequence& x, const EventSequence& y) {
                     return x.events.size() < y.events.size();
                   });
  return roles;
}

std::string side_by_side(const EventSequence& real, const EventSequence& simulated) {
  auto cell = [](const EventSequence& s, size_t index) {
    const TimedEvent& e = s.events[index];
    return fmt::format("{:>6} {}", e.ms, e.name);
  };
  std::string out = fmt::format("  {:<40}   {}\n", "real " + real.sentinel,
                                "sim " + simulated.sentinel);
  auto row = [&](std::string left, char mark, std::string right) {
    out += fmt::format("  {:<40} {} {}\n", left, mark, right);
  };
  size_t i = 0;
  size_t j = 0;
  std::vector<Block> blocks = matching_blocks(real.names(), simulated.names());
  blocks.push_back({real.events.size(), simulated.events.size(), 0});  // the tails
  for (const Block& block : blocks) {
    for (; i < block.i || j < block.j; ++i, ++j) {
      row(i < block.i ? cell(real, i) : "", ' ', j < block.j ? cell(simulated, j) : "");
    }
    i = block.i;
    j = block.j;
    for (size_t k = 0; k < block.size; ++k, ++i, ++j) row(cell(real, i), '=', cell(simulated, j));
  }
  return out;
}

std::string listing(const EventSequence& sequence) {
  std::string out;
  for (const TimedEvent& e : sequence.events) {
    out += fmt::format("  {} {:>6} {}\n", sequence.sentinel, e.ms, e.text);
  }
  return out;
}

}  // namespace real_redis
