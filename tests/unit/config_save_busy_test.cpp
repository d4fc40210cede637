// Config saves take time (an fsync, model::config_save_time), and the server blocks meanwhile:
// a command that arrives during Sentinel's SLAVEOF transaction (MULTI; SLAVEOF; CONFIG
// REWRITE; CLIENT KILL TYPE normal; ...; EXEC) sits unread until CLIENT KILL closes its socket,
// so its client sees a reset and the command never runs (OBSERVATIONS.md 14: a pinned writer
// gets one ConnectionError at each conversion).
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "model/config_rewrite.h"
#include "sentinel_harness.h"
#include "tests/unit/probe.h"

using namespace test;

namespace {

// A plain client (a probe: raw bytes, every socket event) connected to `port`.
struct Victim {
  Victim(RedisWorld& w, const std::string& name, int port) : world(w.world) {
    id = world.add_node(sim::NodeSpec{name, sim::Address{"127.0.0.2", 0}, [](sim::Env& env) {
                                        return std::make_unique<Probe>(env);
                                      }});
    world.start(id);
    socket = probe().e().connect(sim::Address{"127.0.0.1", static_cast<uint16_t>(port)});
  }
  Probe& probe() { return *static_cast<Probe*>(world.process(id)); }
  void send(std::string_view bytes) { probe().e().send(socket, bytes); }
  bool reset() const {
    return static_cast<Probe*>(world.process(id))->saw("closed: connection reset by peer");
  }

  sim::World& world;
  sim::NodeId id;
  sim::SocketId socket;
};

constexpr std::string_view kSetVictim = "*3\r\n$3\r\nSET\r\n$6\r\nvictim\r\n$1\r\n1\r\n";

// Runs until `node` is inside a busy time (its clock ahead of the world's).
bool run_until_busy(sim::World& world, sim::NodeId node, sim::Duration limit) {
  return world.run_until([&] { return world.env(node).now() > world.now(); },
                         world.now() + limit);
}

}  // namespace

TEST_CASE("config_save_time: draws within the measured range, median near 2.3 ms") {
  sim::Rng rng(7);
  std::vector<int64_t> draws;
  for (int i = 0; i < 10000; ++i) draws.push_back(model::config_save_time(rng).us);
  std::sort(draws.begin(), draws.end());
  CHECK(draws.front() >= 500);
  CHECK(draws.back() <= 27500);
  CHECK(draws[5000] > 2100);
  CHECK(draws[5000] < 2500);
  CHECK(draws[9000] > 4200);  // p90 4.7 ms
  CHECK(draws[9000] < 5200);
}

TEST_CASE("CONFIG REWRITE then CLIENT KILL in one EXEC: a command in flight meanwhile is reset") {
  RedisWorld w;
  sim::NodeId master = w.add_server("master", 6379);
  Victim victim(w, "victim", 6379);
  w.run_for(sim::Duration::millis(10));
  victim.send(kSetVictim);  // before the transaction: it runs
  w.run_for(sim::Duration::millis(10));
  CHECK(victim.probe().received == "+OK\r\n");

  sim::Address addr{"127.0.0.1", 6379};
  for (auto argv : std::vector<std::vector<std::string>>{
           {"MULTI"}, {"CONFIG", "REWRITE"}, {"CLIENT", "KILL", "TYPE", "normal"}, {"EXEC"}}) {
    w.cli().send(addr, argv);
  }
  REQUIRE(run_until_busy(w.world, master, sim::Duration::seconds(1)));
  sim::Time exec_at = w.world.now();
  victim.send("*2\r\n$4\r\nINCR\r\n$6\r\nvictim\r\n");  // lands during the fsync
  w.run_for(sim::Duration::millis(100));

  CHECK(victim.reset());
  CHECK(victim.probe().received == "+OK\r\n");  // no reply to the INCR
  REQUIRE(w.cli().replies.size() == 4);
  const model::RespValue& exec = w.cli().replies[3];
  REQUIRE(exec.elements.size() == 2);
  CHECK(exec.elements[0].str == "OK");
  CHECK(exec.elements[1].num == 1);  // the victim only: CLIENT KILL skips its caller
  w.cli().replies.clear();
  CHECK(w.run(6379, {"GET", "victim"}).str == "1");  // the INCR never ran
  // The reset left when the fsync was over, not when EXEC started.
  const ProbeEvent* reset = victim.probe().first("closed: connection reset by peer");
  REQUIRE(reset != nullptr);
  CHECK(reset->t - exec_at >= sim::Duration::micros(500));
}

TEST_CASE("CLIENT KILL without a save before it closes with EOF: nothing is left unread") {
  RedisWorld w;
  w.add_server("master", 6379);
  Victim victim(w, "victim", 6379);
  w.run_for(sim::Duration::millis(10));
  CHECK(w.run(6379, {"CLIENT", "KILL", "TYPE", "normal"}).num == 1);
  w.run_for(sim::Duration::millis(10));
  CHECK(victim.probe().saw("closed: connection closed by peer"));
  CHECK_FALSE(victim.reset());
}

TEST_CASE("a failover: a client of the promoted replica with a command in flight is reset") {
  SentinelWorld w;
  std::vector<Victim> victims;
  for (size_t i = 0; i < w.replicas.size(); ++i) {
    victims.emplace_back(w, fmt::format("victim{}", i + 1), w.port_of(w.replicas[i]));
  }
  w.run_for(sim::Duration::seconds(3));
  w.world.crash(w.master);
  REQUIRE(w.run_until_event("+selected-slave"));
  // The leader's SLAVEOF NO ONE transaction: find the replica whose rewrite is under way.
  size_t promoted = w.replicas.size();
  REQUIRE(w.world.run_until(
      [&] {
        for (size_t i = 0; i < w.replicas.size(); ++i) {
          if (w.world.env(w.replicas[i]).now() > w.world.now()) promoted = i;
        }
        return promoted < w.replicas.size();
      },
      w.world.now() + sim::Duration::seconds(5)));
  victims[promoted].send(kSetVictim);
  REQUIRE(w.run_until_event("+promoted-slave"));
  w.run_for(sim::Duration::millis(100));
  CHECK(victims[promoted].reset());
  CHECK(victims[promoted].probe().received.empty());
  model::RespValue got = w.run(w.port_of(w.replicas[promoted]), {"GET", "victim"});
  CHECK(got.kind == model::RespKind::kNullBulk);
}
