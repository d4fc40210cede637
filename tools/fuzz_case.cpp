#include "tools/fuzz_case.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>

namespace tools {

namespace {

constexpr std::string_view kMasterName = "mymaster";
constexpr uint16_t kServerPort = 6379;
constexpr uint16_t kSentinelPort = 26379;
constexpr int64_t kMaxReplicas = 4;
constexpr int64_t kMaxSentinels = 7;
constexpr int kMaxFaults = 8;

uint32_t node_count(const Topology& t) { return 1 + t.replicas + t.sentinels; }

// Node i: the master, then the replicas, then the Sentinels.
std::string node_name(const Topology& t, uint32_t i) {
  if (i == 0) return "master";
  if (i <= t.replicas) return fmt::format("replica{}", i);
  return fmt::format("sentinel{}", i - t.replicas);
}

uint16_t node_port(const Topology& t, uint32_t i) {
  if (i <= t.replicas) return static_cast<uint16_t>(kServerPort + i);
  return static_cast<uint16_t>(kSentinelPort + (i - t.replicas - 1));
}

std::string duration_text(int64_t ms) { return sim::format_duration(sim::Duration::millis(ms)); }

rc::Gen<Fault> gen_fault(std::vector<FaultKind> kinds) {
  return rc::gen::exec([kinds] {
    Fault f;
    f.kind = *rc::gen::elementOf(kinds);
    f.at_ms = *rc::gen::inRange<int64_t>(0, kFaultWindowMs);
    f.duration_ms = *rc::gen::inRange<int64_t>(100, 30000);
    f.node = *rc::gen::inRange<uint32_t>(0, 1000);
    f.other = *rc::gen::inRange<uint32_t>(0, 1000);
    f.side = *rc::gen::inRange<uint32_t>(1, 1u << 12);
    f.amount_ms = *rc::gen::inRange<int64_t>(0, 60000);
    return f;
  });
}

// Steps of one fault: (time from the start of the run, the `do` text).
using TimedStep = std::pair<int64_t, std::string>;

std::string side_list(const Topology& t, uint32_t mask, bool in) {
  std::string out;
  for (uint32_t i = 0; i < node_count(t); ++i) {
    if (((mask >> i) & 1u) != static_cast<uint32_t>(in)) continue;
    if (!out.empty()) out += ",";
    out += node_name(t, i);
  }
  return out;
}

void add_steps(const Topology& t, const Fault& f, std::vector<TimedStep>& steps) {
  uint32_t n = node_count(t);
  std::string node = node_name(t, f.node % n);
  std::string sentinel = node_name(t, 1 + t.replicas + f.node % t.sentinels);
  int64_t at = kFaultWindowStartMs + f.at_ms;
  int64_t repair = std::min(at + f.duration_ms, kFaultWindowStartMs + kFaultWindowMs);
  auto pair = [&](std::string fault, std::string undo) {
    steps.emplace_back(at, std::move(fault));
    steps.emplace_back(repair, std::move(undo));
  };
  switch (f.kind) {
    case FaultKind::kCrash:
      return pair("kill -9 " + node, "start " + node);
    case FaultKind::kRestart:
      return pair("kill " + node, "start " + node);
    case FaultKind::kSentinelRestart:
      return pair("kill -9 " + sentinel, "start " + sentinel);
    case FaultKind::kPause:
      return pair("pause " + node, "resume " + node);
    case FaultKind::kHostDown:
      return pair("host down " + node, "host up " + node);
    case FaultKind::kPartition:
    case FaultKind::kOneWayPartition: {
      uint32_t mask = f.side & ((1u << n) - 1);
      if (mask == 0 || mask == (1u << n) - 1) mask = 1u << (f.node % n);  // two sides
      std::string_view sep = f.kind == FaultKind::kPartition ? " | " : " -> ";
      return pair(fmt::format("partition {}{}{}", side_list(t, mask, true), sep,
                              side_list(t, mask, false)),
                  "heal");
    }
    case FaultKind::kLag: {
      std::string other = node_name(t, f.other % n);
      if (other == node) return;
      int64_t lag = 10 + f.amount_ms % 3000;
      return pair(fmt::format("lag {} {} {}", node, other, duration_text(lag)),
                  fmt::format("lag {} {} 0ms", node, other));
    }
    case FaultKind::kClockJump: {
      int64_t jump = f.amount_ms - 30000;  // -30 s .. +30 s
      if (jump == 0) return;
      steps.emplace_back(at, fmt::format("clock jump {} {}{}", node, jump > 0 ? "+" : "-",
                                         duration_text(std::abs(jump))));
      return;
    }
    case FaultKind::kManualFailover:
      steps.emplace_back(at, fmt::format("redis-cli -p {} sentinel failover {} &",
                                         node_port(t, 1 + t.replicas + f.node % t.sentinels),
                                         kMasterName));
      return;
  }
}

// The end of the fault window: every repair again, in the order that makes each one work.
void add_final_repairs(const Topology& t, const std::vector<Fault>& faults, int64_t heal_ms,
                       std::vector<TimedStep>& steps) {
  uint32_t n = node_count(t);
  std::set<uint32_t> paused, down, stopped;
  bool partitioned = false;
  for (const Fault& f : faults) {
    uint32_t node = f.node % n;
    if (f.kind == FaultKind::kPause) paused.insert(node);
    if (f.kind == FaultKind::kHostDown) down.insert(node);
    if (f.kind == FaultKind::kCrash || f.kind == FaultKind::kRestart) stopped.insert(node);
    if (f.kind == FaultKind::kSentinelRestart) stopped.insert(1 + t.replicas + f.node % t.sentinels);
    if (f.kind == FaultKind::kPartition || f.kind == FaultKind::kOneWayPartition) {
      partitioned = true;
    }
  }
  for (uint32_t i : paused) steps.emplace_back(heal_ms, "resume " + node_name(t, i));
  for (uint32_t i : down) steps.emplace_back(heal_ms, "host up " + node_name(t, i));
  if (partitioned) steps.emplace_back(heal_ms, "heal");
  for (uint32_t i : stopped) steps.emplace_back(kRepairedMs, "start " + node_name(t, i));
}

nlohmann::ordered_json node_json(const Topology& t, uint32_t i) {
  std::vector<std::string> conf = {fmt::format("port {}", node_port(t, i))};
  bool sentinel = i > t.replicas;
  if (sentinel) {
    conf.push_back(fmt::format("sentinel monitor {} 127.0.0.1 {} {}", kMasterName, kServerPort,
                               t.quorum));
    conf.push_back(fmt::format("sentinel down-after-milliseconds {} {}", kMasterName,
                               t.down_after_ms));
    conf.push_back(fmt::format("sentinel failover-timeout {} {}", kMasterName,
                               t.failover_timeout_ms));
    conf.push_back(fmt::format("sentinel parallel-syncs {} {}", kMasterName, t.parallel_syncs));
  } else {
    conf.push_back("save \"\"");
    if (i > 0) {
      conf.push_back(fmt::format("replicaof 127.0.0.1 {}", kServerPort));
      conf.push_back(fmt::format("replica-priority {}", t.priorities[i - 1]));
    }
    if (t.min_replicas > 0) {
      conf.push_back(fmt::format("min-replicas-to-write {}", t.min_replicas));
      conf.push_back("min-replicas-max-lag 10");
    }
  }
  nlohmann::ordered_json node = {{"addr", fmt::format("127.0.0.1:{}", node_port(t, i))}};
  if (sentinel) {
    node["sentinel"] = true;
    node["start"] = "100ms";  // just after the servers, as a deployment script starts them
  }
  node["conf"] = conf;
  return node;
}

}  // namespace

sim::Duration liveness_bound(const Topology& t) {
  constexpr int64_t kTiltPeriodMs = 30000;  // SENTINEL_TILT_PERIOD
  constexpr int64_t kInfoPeriodMs = 10000;  // SENTINEL_INFO_PERIOD
  constexpr int64_t kResyncsMs = 10000;     // the replicas' full resyncs, with margin
  return sim::Duration::millis(t.down_after_ms + 3 * t.failover_timeout_ms + kTiltPeriodMs +
                               2 * kInfoPeriodMs + kResyncsMs);
}


namespace {

std::mutex g_rapidcheck;

rc::Gen<FuzzCase> gen_fuzz_case(uint64_t seed) {
  return rc::gen::exec([seed] {
    FuzzCase c;
    c.seed = seed;
    Topology& t = c.topology;
    t.replicas = *rc::gen::inRange<uint32_t>(0, kMaxReplicas + 1);
    t.sentinels = *rc::gen::inRange<uint32_t>(1, kMaxSentinels + 1);
    // Usually a majority, as deployments are configured; sometimes anything.
    bool majority = *rc::gen::inRange(0, 4) != 0;
    t.quorum = majority ? t.sentinels / 2 + 1 : *rc::gen::inRange<uint32_t>(1, t.sentinels + 1);
    t.priorities.clear();
    for (uint32_t i = 0; i < t.replicas; ++i) {
      // Mostly the default 100; sometimes 0 (never promoted) or another value.
      uint32_t pick = *rc::gen::inRange<uint32_t>(0, 8);
      t.priorities.push_back(pick < 5 ? 100 : pick == 5 ? 0 : 10 * pick);
    }
    t.down_after_ms = *rc::gen::inRange<int64_t>(1000, 10001);
    t.failover_timeout_ms = *rc::gen::inRange<int64_t>(3000, 30001);
    t.parallel_syncs = *rc::gen::inRange<uint32_t>(1, std::max<uint32_t>(t.replicas, 1) + 1);
    t.min_replicas = *rc::gen::inRange<uint32_t>(0, 4) == 0
                         ? *rc::gen::inRange<uint32_t>(0, t.replicas + 1)
                         : 0;
    t.client = *rc::gen::inRange(0, 4) != 0;
    t.fault_classes = *rc::gen::inRange<uint32_t>(1, 1u << kFaultKinds);
    std::vector<FaultKind> kinds;
    for (uint32_t k = 0; k < kFaultKinds; ++k) {
      if ((t.fault_classes >> k) & 1u) kinds.push_back(static_cast<FaultKind>(k));
    }
    // The list's size bounds its length; each fault is drawn at full size.
    c.faults = *rc::gen::resize(
        kMaxFaults,
        rc::gen::container<std::vector<Fault>>(rc::gen::resize(rc::kNominalSize, gen_fault(kinds))));
    return c;
  });
}

}  // namespace

rc::Shrinkable<FuzzCase> draw_fuzz_case(uint64_t seed) {
  std::lock_guard lock(g_rapidcheck);
  return gen_fuzz_case(seed)(rc::Random(seed), rc::kNominalSize);
}

FuzzCase case_of(const rc::Shrinkable<FuzzCase>& drawn) {
  std::lock_guard lock(g_rapidcheck);
  return drawn.value();
}

CaseShrinks::CaseShrinks(const rc::Shrinkable<FuzzCase>& drawn) {
  std::lock_guard lock(g_rapidcheck);
  shrinks_ = drawn.shrinks();
}

std::optional<rc::Shrinkable<FuzzCase>> CaseShrinks::next() {
  std::lock_guard lock(g_rapidcheck);
  rc::Maybe<rc::Shrinkable<FuzzCase>> next = shrinks_.next();
  if (!next) return std::nullopt;
  return std::move(*next);
}

std::string scenario_text(const FuzzCase& c, const std::vector<std::string>& header) {
  const Topology& t = c.topology;
  std::vector<TimedStep> steps;
  for (const Fault& f : c.faults) add_steps(t, f, steps);
  std::stable_sort(steps.begin(), steps.end(),
                   [](const TimedStep& a, const TimedStep& b) { return a.first < b.first; });
  int64_t heal_ms = kFaultWindowStartMs + kFaultWindowMs;
  add_final_repairs(t, c.faults, heal_ms, steps);
  sim::Duration until = sim::Duration::millis(kRepairedMs) + liveness_bound(t);

  nlohmann::ordered_json s;
  s["name"] = fmt::format("fuzz case, seed {}", c.seed);
  s["description"] = describe(c);
  s["seed"] = c.seed;
  s["invariants"] = true;
  nlohmann::ordered_json nodes = nlohmann::ordered_json::object();
  for (uint32_t i = 0; i < node_count(t); ++i) nodes[node_name(t, i)] = node_json(t, i);
  s["nodes"] = nodes;
  if (t.client) {
    // Writes stop at the end of the fault window, so the replicas can catch up before the
    // liveness check compares their data.
    s["clients"] = {{"app",
                     {{"kind", "redis-py"},
                      {"master", kMasterName},
                      {"write_every", "10ms"},
                      {"start", "1s"},
                      {"stop", duration_text(heal_ms)}}}};
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [at, text] : steps) list.push_back({{"at", duration_text(at)}, {"do", text}});
  s["steps"] = list;
  s["until"] = sim::format_duration(until);
  std::string out;
  for (const std::string& line : header) out += "// " + line + "\n";
  out += s.dump(2);
  out += "\n";
  return out;
}

std::string describe(const FuzzCase& c) {
  const Topology& t = c.topology;
  std::string text = fmt::format(
      "{} replica{}, {} sentinel{} (quorum {}), down-after {}, failover-timeout {}, "
      "parallel-syncs {}",
      t.replicas, t.replicas == 1 ? "" : "s", t.sentinels, t.sentinels == 1 ? "" : "s", t.quorum,
      duration_text(t.down_after_ms), duration_text(t.failover_timeout_ms), t.parallel_syncs);
  if (t.min_replicas > 0) text += fmt::format(", min-replicas-to-write {}", t.min_replicas);
  if (!t.priorities.empty()) {
    text += ", priorities";
    for (uint32_t p : t.priorities) text += fmt::format(" {}", p);
  }
  text += fmt::format(", {} fault{}{}", c.faults.size(), c.faults.size() == 1 ? "" : "s",
                      t.client ? ", a writing client" : "");
  return text;
}

}  // namespace tools
