// The ioredis and Jedis models (model/ioredis_client.h, model/jedis_client.h) driven by a
// workload process against simulated servers and Sentinels: what the application sees
// through a failover, and where its commands went.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "model/workload.h"
#include "sentinel_harness.h"

using test::SentinelSettings;
using test::SentinelWorld;

namespace {

using Result = model::Outcome::Result;

sim::Duration ms(int64_t n) { return sim::Duration::millis(n); }
sim::Address local(int port) { return {"127.0.0.1", static_cast<uint16_t>(port)}; }

model::LibraryOptions sentinel_options(std::vector<int> sentinel_ports) {
  model::LibraryOptions options;
  options.master_name = "mymaster";
  for (int port : sentinel_ports) options.sentinels.push_back(local(port));
  return options;
}

model::WorkloadSpec writes_every(sim::Duration period) {
  model::WorkloadSpec workload;
  workload.write_every = period;
  return workload;
}

// An application process "app" on its own host, recording into `history`.
void add_app(SentinelWorld& w, model::History& history, model::LibraryKind kind,
             const model::LibraryOptions& options, const model::WorkloadSpec& workload) {
  history.clients.push_back({"app", model::WriteCommand::kSet});
  sim::NodeId id = w.world.add_node(sim::NodeSpec{
      "app", sim::Address{"127.0.0.1", 0},
      [&history, kind, options, workload](sim::Env& env) {
        return std::make_unique<model::ClientProcess>(env, kind, options, workload, history, 0);
      }});
  w.world.start(id);
}

int master_port(SentinelWorld& w, int sentinel_port) {
  model::RespValue addr = w.run(sentinel_port, {"SENTINEL", "get-master-addr-by-name", "mymaster"});
  REQUIRE(addr.elements.size() == 2);
  return std::stoi(addr.elements[1].str);
}

std::vector<const model::Operation*> ops_between(const model::History& h, sim::Time from,
                                                 sim::Time to) {
  std::vector<const model::Operation*> out;
  for (const model::Operation& op : h.ops) {
    if (op.invoked >= from && op.invoked < to) out.push_back(&op);
  }
  return out;
}

SentinelSettings down_after_1s() {
  SentinelSettings s;
  s.down_after_ms = 1000;
  return s;
}

// The writer of `kind` through a kill -9 of the master: 3 Sentinels, quorum 2, down-after
// 1000 ms, a write every 100 ms; the kill falls between two writes.
struct Failover {
  Failover(model::LibraryKind kind, uint64_t seed = 1,
           model::WorkloadSpec workload = writes_every(ms(100)))
      : w(down_after_1s(), seed) {
    add_app(w, history, kind, sentinel_options({26379, 26380, 26381}), workload);
    w.run_for(ms(3050));
    kill = w.world.now();
    w.world.crash(w.master);
    REQUIRE(w.run_until_event("+switch-master", 3));
    switched = w.recorder.first("+switch-master")->t;
    w.run_for(sim::Duration::seconds(3));
    end = w.world.now();
    new_master = master_port(w, 26379);
  }
  SentinelWorld w;
  model::History history;
  sim::Time kill, switched, end;
  int new_master = 0;
};

std::string describe(const model::History& h) {
  std::string out;
  for (const model::Operation& op : h.ops) {
    out += fmt::format("{} {} {} {} {} {} {} {} {}\n", static_cast<int>(op.kind), op.seq, op.key,
                       op.invoked.us, op.completed.us, static_cast<int>(op.result), op.error,
                       op.server.to_string(), op.number);
  }
  return out;
}

}  // namespace

TEST_CASE("ioredis: writes during the outage wait offline and complete on the promoted replica") {
  Failover f(model::LibraryKind::kIoredis);
  REQUIRE(f.new_master != 6379);

  size_t before = 0, waited = 0;
  for (const model::Operation& op : f.history.ops) {
    INFO(op.key << " " << op.error);
    CHECK(op.result == Result::kOk);  // nothing reaches the application but replies
    if (op.completed < f.kill) {
      ++before;
      CHECK(op.server == local(6379));
    } else {
      CHECK(op.server == local(f.new_master));
    }
    // Issued while the master was down, answered by the new master once Sentinel moved.
    if (op.invoked > f.kill && op.invoked < f.switched) {
      ++waited;
      CHECK(op.completed >= f.switched);
      CHECK(op.completed - op.invoked > ms(1000));
    }
  }
  CHECK(before >= 25);
  CHECK(waited == 1);  // the workload waits for each call: one write waits in the queue
  CHECK(f.history.ops.back().invoked > f.switched);

  // No acknowledged write is missing on the final master.
  for (const model::Operation& op : f.history.ops) {
    CHECK(f.w.run(f.new_master, {"GET", op.key}).str == std::to_string(op.seq));
  }
}

TEST_CASE("ioredis: a write queued through 20 failed reconnects fails MaxRetriesPerRequestError") {
  // No replica: Sentinel cannot fail over and keeps naming the dead master, which refuses.
  SentinelSettings settings = down_after_1s();
  settings.replicas = 0;
  SentinelWorld w(settings);
  model::History history;
  add_app(w, history, model::LibraryKind::kIoredis, sentinel_options({26379, 26380, 26381}),
          writes_every(ms(100)));
  w.run_for(ms(1050));
  sim::Time kill = w.world.now();
  w.world.crash(w.master);
  w.run_for(sim::Duration::seconds(15));

  std::vector<const model::Operation*> after = ops_between(history, kill, w.world.now());
  REQUIRE(after.size() == 1);  // completed; the next one is still queued
  const model::Operation& op = *after[0];
  CHECK(op.result == Result::kError);  // queued offline, never written
  CHECK(op.error ==
        "MaxRetriesPerRequestError: Reached the max retries per request limit (which is 20). "
        "Refer to \"maxRetriesPerRequest\" option for details.");
  // retryStrategy's delays before the 21st attempt: 50 + 100 + ... + 1000 ms = 10.5 s.
  CHECK(op.completed - op.invoked > ms(10500));
  CHECK(op.completed - op.invoked < ms(12000));
}

TEST_CASE("ioredis: READONLY goes to the caller by default") {
  SentinelWorld w;
  model::History history;
  add_app(w, history, model::LibraryKind::kIoredis, sentinel_options({26379, 26380, 26381}),
          writes_every(ms(100)));
  w.run_for(ms(1050));
  // The master turned into a replica under the client's open connection.
  REQUIRE(w.run(6379, {"REPLICAOF", "127.0.0.1", "6380"}).str == "OK");
  w.run_for(ms(500));

  std::vector<const model::Operation*> after = ops_between(history, w.world.now() - ms(450),
                                                           w.world.now());
  REQUIRE(after.size() >= 4);
  for (const model::Operation* op : after) {
    CHECK(op->result == Result::kError);
    CHECK(op->error == "ReplyError: READONLY You can't write against a read only replica.");
    CHECK(op->server == local(6379));
  }
}

TEST_CASE("ioredis: a server whose INFO says role:slave is not used; the next sentinel is") {
  SentinelWorld w;
  // A Sentinel that names a replica as the master (as one still reporting a demoted master
  // would): the replica answers INFO with role:slave.
  w.add_sentinel("liar", 26382,
                 "sentinel monitor mymaster 127.0.0.1 6380 1\n"
                 "sentinel down-after-milliseconds mymaster 60000\n");
  model::History history;
  add_app(w, history, model::LibraryKind::kIoredis,
          sentinel_options({26382, 26379, 26380, 26381}), writes_every(ms(100)));
  w.run_for(ms(1000));
  REQUIRE(master_port(w, 26382) == 6380);

  REQUIRE(history.ops.size() >= 5);
  for (const model::Operation& op : history.ops) {
    INFO(op.key << " " << op.error);
    CHECK(op.result == Result::kOk);
    CHECK(op.server == local(6379));
  }
  // The first write waited for the role check's disconnect and the reconnect after 50 ms
  // (retryStrategy(1)); the later ones go straight to the master.
  CHECK(history.ops[0].completed - history.ops[0].invoked >= ms(50));
  CHECK(history.ops[1].completed - history.ops[1].invoked < ms(10));
}

TEST_CASE("ioredis: role slave reads from a replica the Sentinel lists") {
  SentinelWorld w;
  model::History history;
  model::WorkloadSpec workload = writes_every(ms(100));
  workload.read_every = ms(100);
  workload.read_from = model::Target::kReplica;
  add_app(w, history, model::LibraryKind::kIoredis, sentinel_options({26379, 26380, 26381}),
          workload);
  w.run_for(ms(2000));

  size_t reads = 0;
  for (const model::Operation& op : history.ops) {
    if (op.kind != model::Operation::Kind::kRead) continue;
    ++reads;
    CHECK(op.result == Result::kOk);
    CHECK((op.server == local(6380) || op.server == local(6381)));
  }
  CHECK(reads >= 10);
}

TEST_CASE("jedis: the pool follows +switch-master; writes before it fail with the exception") {
  Failover f(model::LibraryKind::kJedis);
  REQUIRE(f.new_master != 6379);

  for (const model::Operation* op : ops_between(f.history, {}, f.kill)) {
    CHECK(op->result == Result::kOk);
    CHECK(op->server == local(6379));
  }
  // Between the kill and the first +switch-master: the dead master's pooled connection, then
  // refused connects, each raised to the caller.
  std::vector<const model::Operation*> outage = ops_between(f.history, f.kill, f.switched);
  CHECK(outage.size() >= 15);  // no retry, no waiting: the workload keeps its pace
  for (const model::Operation* op : outage) {
    INFO(op->key << " " << op->error);
    CHECK(op->result == Result::kError);
    CHECK(op->error.starts_with("JedisConnectionException: "));
  }
  REQUIRE(!outage.empty());
  CHECK(outage.front()->error ==
        "JedisConnectionException: java.net.SocketException: Broken pipe (Write failed)");
  CHECK(outage.back()->error == "JedisConnectionException: Failed to connect to 127.0.0.1:6379.");
  // From the next write on, the new master.
  std::vector<const model::Operation*> after = ops_between(f.history, f.switched + ms(100), f.end);
  CHECK(after.size() >= 25);
  for (const model::Operation* op : after) {
    INFO(op->key << " " << op->error);
    CHECK(op->result == Result::kOk);
    CHECK(op->server == local(f.new_master));
  }
}

TEST_CASE("jedis: a listener whose Sentinel is killed connects again after 5 s") {
  SentinelWorld w;
  model::History history;
  add_app(w, history, model::LibraryKind::kJedis, sentinel_options({26379, 26380, 26381}),
          writes_every(ms(100)));
  w.run_for(ms(2000));
  sim::Time kill = w.world.now();
  w.world.crash(w.sentinels[0]);
  w.run_for(ms(1000));
  w.world.start(w.sentinels[0]);

  auto clients_at = [&](sim::Duration since_kill) {
    w.world.run_until(kill + since_kill);
    return w.info_field(26379, "clients", "connected_clients");
  };
  // The restarted Sentinel's peers and this test's client are back within 4 s; the pool's
  // listener sleeps 5000 ms after losing its connection, then connects and subscribes.
  std::string settled = clients_at(ms(4000));
  CHECK(clients_at(ms(4900)) == settled);
  CHECK(std::stoi(clients_at(ms(5200))) == std::stoi(settled) + 1);
}

TEST_CASE("clients: the same seed gives the same history") {
  model::WorkloadSpec workload = writes_every(ms(100));
  workload.read_every = ms(50);
  workload.read_from = model::Target::kReplica;
  for (model::LibraryKind kind : {model::LibraryKind::kIoredis, model::LibraryKind::kJedis}) {
    Failover a(kind, 7, workload);
    Failover b(kind, 7, workload);
    CHECK(a.history.ops.size() > 50);
    CHECK(describe(a.history) == describe(b.history));
  }
}
