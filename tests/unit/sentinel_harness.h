// A master, its replicas and a group of Sentinels, with every Sentinel event recorded, for the
// Sentinel tests.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "redis_harness.h"

namespace test {

struct SentinelEvent {
  sim::Time t;
  std::string node;
  std::string event;
  std::string text;
};

// Records the trace's Sentinel events (kind "sentinel") and its other log lines.
class EventRecorder : public sim::TraceSink {
 public:
  void write(const sim::TraceRecord& r) override {
    if (r.kind != "sentinel" && r.kind != "server") return;
    (r.kind == "sentinel" ? events : lines)
        .push_back({r.t, std::string(r.node), std::string(r.event), std::string(r.text)});
  }
  // Events named `event` (from `node`, if given), in order.
  std::vector<SentinelEvent> named(std::string_view event, std::string_view node = {}) const {
    std::vector<SentinelEvent> out;
    for (const SentinelEvent& e : events) {
      if (e.event == event && (node.empty() || e.node == node)) out.push_back(e);
    }
    return out;
  }
  std::optional<SentinelEvent> first(std::string_view event, std::string_view node = {}) const {
    std::vector<SentinelEvent> all = named(event, node);
    if (all.empty()) return std::nullopt;
    return all.front();
  }
  size_t count(std::string_view event, std::string_view node = {}) const {
    return named(event, node).size();
  }
  // The event names of one node since `from`, in order.
  std::vector<std::string> sequence(std::string_view node, sim::Time from) const {
    std::vector<std::string> out;
    for (const SentinelEvent& e : events) {
      if (e.node == node && e.t >= from) out.push_back(e.event);
    }
    return out;
  }

  std::vector<SentinelEvent> events;
  std::vector<SentinelEvent> lines;
};

struct SentinelSettings {
  int replicas = 2;
  int sentinels = 3;
  int quorum = 2;
  int64_t down_after_ms = 3000;
  int64_t failover_timeout_ms = 10000;
  int parallel_syncs = 1;
  std::vector<int> priorities;  // replica-priority per replica (default 100)
  std::string sentinel_extra;   // more sentinel.conf lines
};

// master on 6379, replica<i> on 6380+i-1 (replicaof the master), sentinel<i> on 26379+i-1,
// started 100 ms after the servers (which have synced by then: diskless, no delay).
struct SentinelWorld : RedisWorld {
  explicit SentinelWorld(SentinelSettings s = {}, uint64_t seed = 1) : RedisWorld(seed) {
    world.trace().add_sink(&recorder);
    master = add_server("master", 6379, "save \"\"\nrepl-diskless-sync-delay 0\n");
    for (int i = 0; i < s.replicas; ++i) {
      auto index = static_cast<size_t>(i);
      int priority = index < s.priorities.size() ? s.priorities[index] : 100;
      replicas.push_back(add_server(fmt::format("replica{}", i + 1), 6380 + i,
                                    fmt::format("save \"\"\nreplicaof 127.0.0.1 6379\n"
                                                "replica-priority {}\n",
                                                priority)));
    }
    run_for(sim::Duration::millis(100));
    for (int i = 0; i < s.sentinels; ++i) {
      sentinels.push_back(add_sentinel(
          fmt::format("sentinel{}", i + 1), 26379 + i,
          fmt::format("sentinel monitor mymaster 127.0.0.1 6379 {}\n"
                      "sentinel down-after-milliseconds mymaster {}\n"
                      "sentinel failover-timeout mymaster {}\n"
                      "sentinel parallel-syncs mymaster {}\n{}",
                      s.quorum, s.down_after_ms, s.failover_timeout_ms, s.parallel_syncs,
                      s.sentinel_extra)));
    }
  }

  // Runs until `event` has been logged `times` times in all (false if not within `limit`).
  bool run_until_event(std::string_view event, size_t times = 1,
                       sim::Duration limit = sim::Duration::seconds(60)) {
    return world.run_until([&] { return recorder.count(event) >= times; }, world.now() + limit);
  }
  int port_of(sim::NodeId id) const { return world.address(id).port; }
  std::string info_field(int port, const std::string& section, const std::string& field) {
    std::string text = run(port, {"INFO", section}).str;
    std::string key = "\n" + field + ":";
    size_t at = ("\n" + text).find(key);
    if (at == std::string::npos) return "";
    size_t start = at + key.size() - 1;
    return text.substr(start, text.find("\r\n", start) - start);
  }

  EventRecorder recorder;
  sim::NodeId master = sim::kNoNode;
  std::vector<sim::NodeId> replicas;
  std::vector<sim::NodeId> sentinels;
};

}  // namespace test
