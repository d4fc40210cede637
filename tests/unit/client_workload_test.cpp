// Clients through whole scenarios: what applications see when a master hangs, dies or is
// failed over by hand, checked by the history checker against the final master's data. The
// figures the expectations use come from the reference runs (../shared/oracle/OBSERVATIONS.md
// items 2, 3, 4, 7 and 14; traces b_hang_minrep, c_manual, a_basic, h_lost_writes).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "tools/scenario.h"
#include "tools/scenario_run.h"

namespace {

using Result = model::Outcome::Result;

// A master, two replicas and three Sentinels (quorum 2, down-after 1000 ms, failover-timeout
// 6000) as the reference runs set them up, with `master_conf` added to the master's conf; the
// clients start at 5 s, when the replicas are online and the Sentinels know each other.
std::string deployment(std::string_view master_conf, std::string_view clients,
                       std::string_view steps, std::string_view until) {
  std::string sentinels;
  for (int i = 0; i < 3; ++i) {
    sentinels += fmt::format(
        R"(, "sentinel{0}": {{"addr": "127.0.0.1:2637{0}", "sentinel": true, "start": "1s",
           "conf": ["port 2637{0}", "sentinel monitor mymaster 127.0.0.1 6379 2",
                    "sentinel down-after-milliseconds mymaster 1000",
                    "sentinel failover-timeout mymaster 6000"]}})",
        i + 1);
  }
  return fmt::format(
      R"({{"name": "clients", "until": "{}",
  "nodes": {{"master": {{"addr": "127.0.0.1:6379",
                       "conf": ["port 6379", "repl-diskless-sync-delay 0"{}]}},
    "replica1": {{"addr": "127.0.0.1:6380", "conf": ["port 6380", "replicaof 127.0.0.1 6379"]}},
    "replica2": {{"addr": "127.0.0.1:6381", "conf": ["port 6381", "replicaof 127.0.0.1 6379"]}}{}}},
  "clients": {{{}}},
  "steps": [{}]}})",
      until, master_conf, sentinels, clients, steps);
}

struct Outcome {
  tools::RunResult result;
  model::History history;
};

Outcome run(const std::string& text) {
  tools::LoadResult loaded = tools::load_scenario("clients.jsonc", text);
  for (const tools::Diagnostic& d : loaded.errors) FAIL(d.path << ": " << d.message);
  REQUIRE(loaded.scenario);
  tools::ScenarioRun run(*loaded.scenario, {});
  tools::RunResult result = run.run();
  REQUIRE(result.clients);
  return {result, run.history()};
}

const model::ClientReport& client(const Outcome& o, std::string_view name) {
  for (const model::ClientReport& c : o.result.clients->clients) {
    if (c.name == name) return c;
  }
  FAIL("no client " << name);
  return o.result.clients->clients.front();
}

sim::Time at(double seconds) {
  return sim::kTimeZero + sim::Duration::micros(static_cast<int64_t>(seconds * 1e6));
}

constexpr std::string_view kPinned =
    R"("wp": {"kind": "pinned", "addr": "127.0.0.1:6379", "write_every": "5ms", "start": "5s"})";
constexpr std::string_view kRedisPy =
    R"("ws": {"kind": "redis-py", "master": "mymaster", "write_every": "5ms", "start": "5s"})";

}  // namespace

TEST_CASE("pinned client: every write to a paused master that comes back as master is lost") {
  // h_lost_writes: SIGSTOP for 12 s; the failover happens meanwhile; the old master takes
  // writes for ~10 s after it resumes, until Sentinel converts it.
  Outcome o = run(deployment("", kPinned,
                             R"({"at": "6s", "do": "pause master"},
                                {"at": "18s", "do": "resume master"})",
                             "32s"));
  std::string final_master = o.result.clients->final_master.value_or("none");
  REQUIRE((final_master == "replica1" || final_master == "replica2"));
  const model::ClientReport& wp = client(o, "wp");
  // The lost writes are exactly those the old master acknowledged after it resumed.
  std::vector<size_t> expected;
  sim::Time last_lost;
  for (size_t k = 0; k < o.history.ops.size(); ++k) {
    const model::Operation& op = o.history.ops[k];
    if (op.result == Result::kOk && op.completed > at(18)) {
      CHECK(op.server.port == 6379);
      expected.push_back(k);
      last_lost = op.completed;
    }
  }
  CHECK(wp.lost == expected);
  CHECK(wp.lost.size() > 1500);  // ~10 s at 200 writes/s (1,805 in the reference run)
  CHECK(wp.lost_by_server.at("127.0.0.1:6379") == wp.lost.size());
  // The conversion ends them: READONLY from then on, 10 s after the resume (OBSERVATIONS 3).
  CHECK(last_lost > at(18 + 9));
  CHECK(last_lost < at(18 + 11.5));
  CHECK(wp.errors.contains("ReadOnlyError"));
  CHECK(wp.errors.contains("TimeoutError"));
}

TEST_CASE("pinned client: min-replicas-to-write refuses the hung master's writes, none lost") {
  // b_hang_minrep: a 4 s SIGSTOP, shorter than min-replicas-max-lag; the replicas left the old
  // master for the promoted one meanwhile, so it counts no good replica when it resumes.
  Outcome o = run(deployment(R"(, "min-replicas-to-write 1", "min-replicas-max-lag 10")",
                             kPinned,
                             R"({"at": "6s", "do": "pause master"},
                                {"at": "10s", "do": "resume master"})",
                             "24s"));
  const model::ClientReport& wp = client(o, "wp");
  CHECK(wp.lost.empty());
  CHECK(wp.errors.contains("ResponseError"));
  size_t refused = 0;
  for (const model::Operation& op : o.history.ops) {
    if (op.error == "ResponseError: NOREPLICAS Not enough good replicas to write.") {
      ++refused;
      CHECK(op.completed >= at(10));
    }
    // Nothing the old master acknowledged after the hang began.
    if (op.result == Result::kOk) CHECK(op.completed < at(6.001));
  }
  CHECK(refused > 1000);
}

TEST_CASE("redis-py client: kill -9 of the master loses nothing; the outage is down-after + ~1.25 s") {
  Outcome o = run(deployment("", kRedisPy, R"({"at": "6s", "do": "kill -9 master"})", "14s"));
  const model::ClientReport& ws = client(o, "ws");
  CHECK(ws.lost.empty());
  CHECK(ws.acked > 1000);
  REQUIRE(ws.longest_no_ack);
  sim::Duration down_after = sim::Duration::millis(1000);
  INFO("longest window without an ack: " << sim::format_duration(ws.longest_no_ack->length()));
  CHECK(ws.longest_no_ack->length() >= down_after + sim::Duration::millis(900));
  CHECK(ws.longest_no_ack->length() <= down_after + sim::Duration::millis(1600));
  // ConnectionError while the master is only dead, MasterNotFoundError once Sentinel flags it.
  CHECK(ws.errors.contains("ConnectionError"));
  CHECK(ws.errors.contains("MasterNotFoundError"));
  CHECK(o.result.clients->final_master != std::optional<std::string>("master"));
}

TEST_CASE("redis-py client: a manual SENTINEL FAILOVER loses the writes until the conversion") {
  // c_manual: the old master is never stopped; the client keeps its connection to it and its
  // writes are acknowledged there until Sentinel converts it (~10 s), then one connection error.
  Outcome o = run(deployment("", kRedisPy,
                             R"({"at": "6s", "do": "redis-cli -p 26371 sentinel failover mymaster"})",
                             "24s"));
  const model::ClientReport& ws = client(o, "ws");
  REQUIRE_FALSE(ws.lost.empty());
  const model::Operation& first = o.history.ops[ws.lost.front()];
  const model::Operation& last = o.history.ops[ws.lost.back()];
  CHECK(first.server.port == 6379);
  CHECK(last.server.port == 6379);
  CHECK(first.completed >= at(6));
  CHECK(last.completed - first.completed > sim::Duration::seconds(8));
  CHECK(last.completed - first.completed < sim::Duration::seconds(12));
  CHECK(ws.errors.size() == 1);
  CHECK(ws.errors.contains("ConnectionError"));
  CHECK(ws.errors.at("ConnectionError") == 1);
  // No outage to speak of: the client never lost its master connection before the conversion.
  CHECK(ws.longest_no_ack->length() < sim::Duration::millis(100));
}

TEST_CASE("clients: the same seed gives the same history") {
  std::string text = deployment("", std::string(kRedisPy) + ", " + std::string(kPinned),
                                R"({"at": "6s", "do": "kill -9 master"})", "10s");
  Outcome a = run(text);
  Outcome b = run(text);
  REQUIRE(a.history.ops.size() == b.history.ops.size());
  for (size_t k = 0; k < a.history.ops.size(); ++k) {
    CHECK(a.history.ops[k].completed == b.history.ops[k].completed);
    CHECK(a.history.ops[k].error == b.history.ops[k].error);
  }
  CHECK(a.result.trace_hash == b.result.trace_hash);
}

TEST_CASE("redis-py client: replica reads go round-robin, and a lagging replica serves stale reads") {
  // slave_for: SENTINEL SLAVES, the replicas not s_down / o_down, round-robin from a random
  // start on each reconnect. The reader reads back the key of the latest acknowledged write;
  // replica1's stream arrives 50 ms late, so what it returns is often older.
  std::string readers = std::string(kRedisPy).replace(
      std::string(kRedisPy).find("\"start\""), 0,
      R"("read_every": "5ms", "read_from": "replicas", )");
  Outcome o = run(deployment("", readers,
                             R"({"at": "4s", "do": "lag master replica1 50ms"},
                                {"at": "6s", "do": "kill -9 replica2"},
                                {"at": "7s", "do": "start replica2"})",
                             "10s"));
  const model::ClientReport& ws = client(o, "ws");
  CHECK(ws.reads > 500);
  std::map<uint16_t, int> reads_by_port, stale_by_port;
  for (const model::Operation& op : o.history.ops) {
    if (op.kind == model::Operation::Kind::kRead && op.result == Result::kOk) {
      ++reads_by_port[op.server.port];
    }
  }
  for (size_t k : ws.stale_reads) ++stale_by_port[o.history.ops[k].server.port];
  // Both replicas served reads: the reader moved on when replica2 was killed and a
  // reconnect's rotation brought it back.
  CHECK(reads_by_port[6380] > 0);
  CHECK(reads_by_port[6381] > 0);
  CHECK(reads_by_port[6379] == 0);
  CHECK(stale_by_port[6380] > 0);
  CHECK(stale_by_port[6380] > stale_by_port[6381]);
  CHECK(ws.lost.empty());
}

TEST_CASE("redis-py client: with retries a write outlasts a short outage instead of failing") {
  // Retry(ExponentialWithJitterBackoff(base 100 ms, cap 1 s), 3): a connection error or
  // MasterNotFoundError reruns the command after a backoff; only the fourth failure raises.
  std::string retrying = std::string(kRedisPy).replace(
      std::string(kRedisPy).find("\"start\""), 0,
      R"("retries": 3, "backoff_base": "100ms", "backoff_cap": "1s", )");
  std::string steps = R"({"at": "6s", "do": "kill -9 master"})";
  Outcome plain = run(deployment("", kRedisPy, steps, "12s"));
  Outcome retried = run(deployment("", retrying, steps, "12s"));
  const model::ClientReport& p = client(plain, "ws");
  const model::ClientReport& r = client(retried, "ws");
  CHECK(r.lost.empty());
  CHECK(p.write_failures > 100);
  CHECK(r.write_failures * 10 < p.write_failures);
  sim::Duration longest_call;
  for (const model::Operation& op : retried.history.ops) {
    longest_call = std::max(longest_call, op.completed - op.invoked);
  }
  CHECK(longest_call > sim::Duration::millis(300));  // waited through backoffs
}
