// Replays the real redis-cli 7.0.15 sessions of shared/oracle/walkthroughs against simulated
// servers. Each step runs at the moment events.txt recorded it, and what redis-cli would print
// is compared with the transcript, line by line.
//
// The world's wall clock is set so that it reads the recorded date and time of day: the
// simulated servers' seconds tick at the same moments as the real ones did, so values counted
// in whole seconds (lag=, master_last_io_seconds_ago, master_link_down_since_seconds) can
// match. A server starts within its recorded start window (events.txt's "started" up to its
// log's "Ready to accept connections"; a simulated start takes no time), which sets the phase
// of its once-a-second replicationCron. Real cron ticks drift by about 1% (ae's timers fire
// after the callback's end plus epoll's millisecond rounding) and simulated ones do not, so
// where the order of two crons decides what a step shows, a test picks the start time in that
// window that gives the recorded order, and says so.
//
// Values that are random in real Redis (replication ids) cannot match; a transcript id is bound
// to the simulator's id found at the same place the first time it is met, and must then always
// meet that same id (and two transcript ids never the same simulated one): the test checks
// which ids are equal, not their digits.
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/redis_harness.h"
#include "tools/redis_cli_format.h"

namespace test {

// "21:02:02.735" (events.txt) as microseconds since midnight.
inline int64_t time_of_day_us(std::string_view hhmmss_mmm) {
  auto num = [&](size_t at, size_t n) { return std::stoll(std::string(hhmmss_mmm.substr(at, n))); };
  return ((num(0, 2) * 60 + num(3, 2)) * 60 + num(6, 2)) * 1'000'000 + num(9, 3) * 1000;
}

inline bool is_hex40(std::string_view s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

inline std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    lines.emplace_back(text.substr(0, eol));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return lines;
}

// The value of `field` in an INFO text ("<missing>" if absent).
inline std::string info_field(std::string_view info, std::string_view field) {
  std::string key = fmt::format("\n{}:", field);
  std::string text = "\n" + std::string(info);
  size_t at = text.find(key);
  if (at == std::string::npos) return "<missing>";
  size_t start = at + key.size();
  size_t end = text.find_first_of("\r\n", start);
  return text.substr(start, end - start);
}

// The servers' log lines (trace records of kind "server"), by node name.
class ServerLog : public sim::TraceSink {
 public:
  void write(const sim::TraceRecord& record) override {
    if (record.kind == "server") lines_.emplace_back(record.node, record.text);
  }
  bool contains(std::string_view node, std::string_view text) const {
    return std::any_of(lines_.begin(), lines_.end(),
                       [&](const auto& l) { return l.first == node && l.second == text; });
  }

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

class Replay {
 public:
  // The walkthroughs were recorded on 2026-11-21 (UTC), as their logs' stamps say.
  static constexpr int64_t kRecordingDayUnixUs = 1795219200LL * 1'000'000;

  // `origin`: the time of day of the walkthrough's first event, which is virtual time zero.
  Replay(RedisWorld& w, std::string_view origin) : w_(w), origin_us_(time_of_day_us(origin)) {
    w_.world.set_epoch_unix_us(kRecordingDayUnixUs + origin_us_);
    w_.world.trace().add_sink(&log_);
  }
  ~Replay() { w_.world.trace().remove_sink(&log_); }
  Replay(const Replay&) = delete;
  Replay& operator=(const Replay&) = delete;

  // Runs the world until the recorded time of day `hhmmss_mmm`.
  void at(std::string_view hhmmss_mmm) {
    sim::Time target{time_of_day_us(hhmmss_mmm) - origin_us_};
    std::string late_by = fmt::format("{} us", (w_.world.now() - target).us);
    CAPTURE(hhmmss_mmm);
    CAPTURE(late_by);
    REQUIRE(target >= w_.world.now());
    w_.world.run_until(target);
  }

  // What `redis-cli -p <port> <line>` prints, without INFO's '\r'.
  std::string cli(int port, std::string_view line) {
    std::vector<std::string> argv;
    REQUIRE(model::split_args(line, argv));
    return cli_argv(port, std::move(argv));
  }
  std::string cli_argv(int port, std::vector<std::string> argv) {
    model::RespValue reply = w_.run(port, argv, sim::Duration::seconds(1));
    return printed(argv, reply);
  }
  // Commands fed to one redis-cli on its stdin: sent back to back, each reply printed.
  std::vector<std::string> pipe(int port, const std::vector<std::vector<std::string>>& lines) {
    CliClient& cli = w_.cli();
    size_t before = cli.replies.size();
    for (const auto& argv : lines) {
      cli.send(sim::Address{"127.0.0.1", static_cast<uint16_t>(port)}, argv);
    }
    w_.world.run_until([&] { return cli.replies.size() >= before + lines.size(); },
                       w_.world.now() + sim::Duration::seconds(1));
    std::vector<std::string> out;
    for (size_t i = 0; before + i < cli.replies.size() && i < lines.size(); ++i) {
      out.push_back(printed(lines[i], cli.replies[before + i]));
    }
    cli.replies.erase(cli.replies.begin() + static_cast<std::ptrdiff_t>(before),
                      cli.replies.end());
    return out;
  }
  // A command whose reply never comes (SHUTDOWN): sent, not waited for.
  void send(int port, std::string_view line) {
    std::vector<std::string> argv;
    REQUIRE(model::split_args(line, argv));
    w_.cli().send(sim::Address{"127.0.0.1", static_cast<uint16_t>(port)}, std::move(argv));
  }

  // `127.0.0.1:<port>> <line>` printed `printed` (a leading newline in `printed` is ignored,
  // so transcript blocks can start on their own line).
  void expect(int port, std::string_view line, std::string_view printed) {
    compare(port, line, cli(port, line), printed);
  }
  // The same for a numbered list whose order is a hash order in Redis (KEYS *): the items
  // must be the same, in any order.
  void expect_unordered(int port, std::string_view line, std::string_view printed) {
    std::vector<std::string> got = items(cli(port, line));
    std::vector<std::string> want = items(std::string(trim_newline(printed)));
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    CAPTURE(port);
    CAPTURE(line);
    CHECK(got == want);
  }

  // The node's log (<port>.log in the walkthrough's logs) has the line `text`, whose
  // replication ids are the transcript's (bound to the simulated ones by earlier steps).
  void expect_log(std::string_view node, std::string_view text) {
    std::string line(text);
    for (const auto& [recorded, simulated] : ids_) {
      for (size_t at = line.find(recorded); at != std::string::npos; at = line.find(recorded)) {
        line.replace(at, recorded.size(), simulated);
      }
    }
    CAPTURE(node);
    CAPTURE(line);
    CHECK(log_.contains(node, line));
  }

  // The simulated id bound to the transcript's `transcript_id`, or "" if none yet.
  std::string id(std::string_view transcript_id) const {
    auto it = ids_.find(std::string(transcript_id));
    return it == ids_.end() ? std::string() : it->second;
  }

 private:
  static std::string printed(const std::vector<std::string>& argv, const model::RespValue& v) {
    std::string out = tools::format_cli_output(argv, v);
    std::erase(out, '\r');
    return out;
  }
  static std::string_view trim_newline(std::string_view s) {
    if (!s.empty() && s.front() == '\n') s.remove_prefix(1);
    return s;
  }
  // "1) \"k1\"" lines without their numbers.
  static std::vector<std::string> items(const std::string& printed) {
    std::vector<std::string> out;
    for (std::string& l : split_lines(printed)) {
      if (l.empty()) continue;
      size_t paren = l.find(") ");
      out.push_back(paren == std::string::npos ? l : l.substr(paren + 2));
    }
    return out;
  }

  void compare(int port, std::string_view line, const std::string& got_text,
               std::string_view want_text) {
    std::vector<std::string> got = split_lines(got_text);
    std::vector<std::string> want = split_lines(trim_newline(want_text));
    std::string step = fmt::format("127.0.0.1:{}> {}", port, line);
    CAPTURE(step);
    CHECK(got.size() == want.size());
    for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
      std::string expected = bind_ids(want[i], got[i]);
      CHECK(got[i] == expected);
    }
  }

  // `want` with each 40-hex transcript id (not all zeros) replaced by the simulated id bound
  // to it; an unbound one is bound to the 40-hex word at the same place in `got`.
  std::string bind_ids(const std::string& want, const std::string& got) {
    std::string out = want;
    for (size_t at = 0; at + 40 <= out.size(); ++at) {
      std::string_view word = std::string_view(out).substr(at, 40);
      bool boundary = (at == 0 || !std::isxdigit(static_cast<unsigned char>(out[at - 1]))) &&
                      (at + 40 == out.size() ||
                       !std::isxdigit(static_cast<unsigned char>(out[at + 40])));
      if (!boundary || !is_hex40(word) || word == std::string(40, '0')) continue;
      std::string key(word);
      auto it = ids_.find(key);
      if (it == ids_.end() && at + 40 <= got.size()) {
        std::string candidate = got.substr(at, 40);
        bool taken = std::any_of(ids_.begin(), ids_.end(),
                                 [&](const auto& kv) { return kv.second == candidate; });
        if (is_hex40(candidate) && candidate != std::string(40, '0') && !taken) {
          it = ids_.emplace(key, candidate).first;
        }
      }
      if (it != ids_.end()) out.replace(at, 40, it->second);
      at += 39;
    }
    return out;
  }

  RedisWorld& w_;
  int64_t origin_us_;
  ServerLog log_;
  std::map<std::string, std::string> ids_;  // transcript id -> simulated id
};

}  // namespace test
