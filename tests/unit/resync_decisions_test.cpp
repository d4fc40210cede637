// When a replica reconnects, does its master continue the stream (+CONTINUE) or send a whole
// new RDB (+FULLRESYNC)? masterTryPartialResynchronization answers: the replica's history id
// must be the master's replid (or its replid2 up to second_repl_offset) and its offset must
// still be in the backlog. These stories play each case, and the min-replicas write gate.
#include <doctest/doctest.h>

#include "tests/unit/walkthrough_harness.h"

using model::RespValue;
using test::info_field;
using test::RedisWorld;

namespace {

constexpr std::string_view kReplicaConf = "save \"\"\nslaveof 127.0.0.1 6379\n";

std::string field(RedisWorld& w, int port, std::string_view name,
                  std::string_view section = "replication") {
  return info_field(w.run(port, {"info", std::string(section)}).str, name);
}
std::string link(RedisWorld& w, int port) { return field(w, port, "master_link_status"); }
std::string stat(RedisWorld& w, int port, std::string_view name) {
  return field(w, port, name, "stats");
}
RespValue set(RedisWorld& w, int port, const std::string& key, const std::string& value) {
  return w.run(port, {"set", key, value});
}
void write_keys(RedisWorld& w, int port, std::string_view prefix, int n, size_t bytes = 8) {
  for (int i = 0; i < n; ++i) {
    REQUIRE(set(w, port, fmt::format("{}:{}", prefix, i), std::string(bytes, 'v')) ==
            RespValue::ok());
  }
}
// Every node of `ports` holds the same offset as `master`, which lists each replica as having
// acknowledged it.
void check_quiescent(RedisWorld& w, int master, std::initializer_list<int> replicas) {
  std::string offset = field(w, master, "master_repl_offset");
  std::string info = w.run(master, {"info", "replication"}).str;
  for (int port : replicas) {
    CAPTURE(port);
    CHECK(field(w, port, "master_repl_offset") == offset);
    CHECK(field(w, port, "slave_repl_offset") == offset);
    CHECK(field(w, port, "master_replid") == field(w, master, "master_replid"));
    CHECK(w.run(port, {"dbsize"}) == w.run(master, {"dbsize"}));
  }
  for (size_t i = 0; i < replicas.size(); ++i) {
    std::string line = info_field(info, fmt::format("slave{}", i));
    CHECK(line.ends_with(fmt::format(",state=online,offset={},lag=0", offset)));
  }
}

// A master on 6379 and replicas from their config files, synced (5 s diskless delay).
void start_master_and_replicas(RedisWorld& w, std::string_view master_conf,
                               std::initializer_list<int> replicas) {
  w.add_server("master", 6379, std::string(master_conf));
  int n = 0;
  for (int port : replicas) {
    w.add_server(fmt::format("replica{}", ++n), port, std::string(kReplicaConf));
  }
  w.run_for(sim::Duration::seconds(7));
  for (int port : replicas) REQUIRE(link(w, port) == "up");
}

// The replica's link dropped while it was stopped (its master killed the connection), then it
// resumes and asks to continue from where it was.
void cut_link_while_paused(RedisWorld& w, sim::NodeId replica, auto&& meanwhile) {
  w.world.pause(replica);
  CHECK(w.run(6379, {"client", "kill", "type", "replica"}) == RespValue::integer(1));
  meanwhile();
  w.world.resume(replica);
}

}  // namespace

TEST_CASE("resync: a replica that reconnects within the backlog continues (+CONTINUE)") {
  RedisWorld w;
  start_master_and_replicas(w, "save \"\"\n", {6380});
  write_keys(w, 6379, "before", 10);
  w.run_for(sim::Duration::seconds(2));
  cut_link_while_paused(w, w.world.find("replica1"), [&] { write_keys(w, 6379, "cut", 10); });
  w.run_for(sim::Duration::millis(100));
  CHECK(link(w, 6380) == "up");
  CHECK(stat(w, 6379, "sync_partial_ok") == "1");
  CHECK(stat(w, 6379, "sync_full") == "1");  // the first sync only
  w.run_for(sim::Duration::seconds(2));
  check_quiescent(w, 6379, {6380});
  CHECK(w.run(6380, {"get", "cut:9"}) == RespValue::bulk("vvvvvvvv"));
}

TEST_CASE("resync: a replica that reconnects beyond a 16 KiB backlog must full-sync") {
  RedisWorld w;
  start_master_and_replicas(w, "save \"\"\nrepl-backlog-size 16384\n", {6380});
  cut_link_while_paused(w, w.world.find("replica1"),
                        [&] { write_keys(w, 6379, "big", 60, 1000); });  // ~62 KB
  std::string first_byte = field(w, 6379, "repl_backlog_first_byte_offset");
  CHECK(std::stoll(first_byte) > 1);  // the replica's next byte (1) is gone
  w.run_for(sim::Duration::millis(100));
  CHECK(link(w, 6380) == "down");  // waiting for the next fork
  CHECK(stat(w, 6379, "sync_partial_err") == "1");
  w.run_for(sim::Duration::seconds(6));
  CHECK(link(w, 6380) == "up");
  CHECK(stat(w, 6379, "sync_full") == "2");
  w.run_for(sim::Duration::seconds(2));
  check_quiescent(w, 6379, {6380});
}

TEST_CASE("resync after a failover: the promoted replica continues its sibling and the old "
          "master through its replid2 when they are not ahead of it") {
  RedisWorld w;
  start_master_and_replicas(w, "save \"\"\n", {6380, 6381});
  write_keys(w, 6379, "k", 5);
  w.run_for(sim::Duration::seconds(2));
  std::string old_id = field(w, 6379, "master_replid");
  std::string offset = field(w, 6379, "master_repl_offset");
  // All within the same second: the old master sends no PING in between.
  CHECK(w.run(6380, {"replicaof", "no", "one"}) == RespValue::ok());
  std::string new_id = field(w, 6380, "master_replid");
  CHECK(new_id != old_id);
  CHECK(field(w, 6380, "master_replid2") == old_id);
  CHECK(field(w, 6380, "second_repl_offset") == std::to_string(std::stoll(offset) + 1));
  CHECK(w.run(6381, {"replicaof", "127.0.0.1", "6380"}) == RespValue::ok());
  CHECK(w.run(6379, {"replicaof", "127.0.0.1", "6380"}) == RespValue::ok());
  w.run_for(sim::Duration::millis(100));
  CHECK(link(w, 6381) == "up");
  CHECK(link(w, 6379) == "up");
  CHECK(stat(w, 6380, "sync_partial_ok") == "2");
  CHECK(stat(w, 6380, "sync_full") == "0");
  for (int port : {6379, 6381}) {
    CAPTURE(port);
    CHECK(field(w, port, "master_replid") == new_id);
    CHECK(field(w, port, "master_replid2") == old_id);
    CHECK(field(w, port, "second_repl_offset") == field(w, 6380, "second_repl_offset"));
  }
  CHECK(set(w, 6380, "after", "failover") == RespValue::ok());
  w.run_for(sim::Duration::seconds(2));
  check_quiescent(w, 6380, {6381, 6379});
  CHECK(w.run(6379, {"get", "after"}) == RespValue::bulk("failover"));
}

TEST_CASE("resync after a failover: nodes that took writes the promoted replica never saw "
          "must full-sync, and those writes are lost") {
  RedisWorld w;
  start_master_and_replicas(w, "save \"\"\n", {6380, 6381});
  write_keys(w, 6379, "k", 5);
  w.run_for(sim::Duration::seconds(2));
  CHECK(w.run(6380, {"replicaof", "no", "one"}) == RespValue::ok());
  // The old master still takes a write; 6381, still its replica, gets it too.
  CHECK(set(w, 6379, "lost", "write") == RespValue::ok());
  w.run_for(sim::Duration::millis(100));
  CHECK(w.run(6381, {"get", "lost"}) == RespValue::bulk("write"));
  CHECK(w.run(6381, {"replicaof", "127.0.0.1", "6380"}) == RespValue::ok());
  CHECK(w.run(6379, {"replicaof", "127.0.0.1", "6380"}) == RespValue::ok());
  w.run_for(sim::Duration::millis(100));
  CHECK(stat(w, 6380, "sync_partial_err") == "2");  // "Requested offset for second ID was ..."
  CHECK(link(w, 6381) == "down");
  w.run_for(sim::Duration::seconds(6));
  CHECK(stat(w, 6380, "sync_full") == "2");
  CHECK(link(w, 6381) == "up");
  CHECK(link(w, 6379) == "up");
  CHECK(w.run(6379, {"get", "lost"}) == RespValue::null_bulk());
  CHECK(w.run(6381, {"get", "lost"}) == RespValue::null_bulk());
  w.run_for(sim::Duration::seconds(2));
  check_quiescent(w, 6380, {6381, 6379});
}

TEST_CASE("resync after a replica restart: with the RDB of its last sync it continues, "
          "without it it full-syncs") {
  RedisWorld w;
  start_master_and_replicas(w, "save \"\"\n", {6380});
  write_keys(w, 6379, "k", 20);
  w.run_for(sim::Duration::seconds(2));
  sim::NodeId replica = w.world.find("replica1");
  REQUIRE(w.world.disk(replica).exists("dump.rdb"));  // the RDB its full sync loaded
  w.world.crash(replica);
  w.run_for(sim::Duration::millis(500));
  w.world.start(replica);
  w.run_for(sim::Duration::millis(100));
  CHECK(link(w, 6380) == "up");
  CHECK(stat(w, 6379, "sync_partial_ok") == "1");
  w.run_for(sim::Duration::seconds(2));
  check_quiescent(w, 6379, {6380});

  w.world.crash(replica);
  w.world.disk(replica).remove("dump.rdb");
  w.run_for(sim::Duration::millis(500));
  w.world.start(replica);
  w.run_for(sim::Duration::millis(100));
  CHECK(link(w, 6380) == "down");
  CHECK(field(w, 6380, "slave_repl_offset") == "1");  // no cached master: PSYNC ? -1
  w.run_for(sim::Duration::seconds(6));
  CHECK(link(w, 6380) == "up");
  CHECK(stat(w, 6379, "sync_full") == "2");
  CHECK(stat(w, 6379, "sync_partial_err") == "0");  // "?" is not counted as an error
  w.run_for(sim::Duration::seconds(2));
  check_quiescent(w, 6379, {6380});
}

TEST_CASE("resync after a replica restart: its RDB remembers the db the stream was in, so "
          "the continued stream (no new SELECT) lands in db 1") {
  // Verified on 7.0.15: SAVE on the replica after a write in db 1, kill -9, a write in db 1
  // on the master (no SELECT: its stream is still in db 1), restart: partial, b in db 1.
  RedisWorld w;
  start_master_and_replicas(w, "save \"\"\n", {6380});
  CHECK(w.run(6379, {"select", "1"}) == RespValue::ok());
  CHECK(set(w, 6379, "a", "1") == RespValue::ok());
  w.run_for(sim::Duration::millis(1200));
  CHECK(w.run(6380, {"save"}) == RespValue::ok());
  sim::NodeId replica = w.world.find("replica1");
  w.world.crash(replica);
  w.run_for(sim::Duration::millis(200));
  CHECK(set(w, 6379, "b", "2") == RespValue::ok());
  w.world.start(replica);
  w.run_for(sim::Duration::millis(500));
  CHECK(stat(w, 6379, "sync_partial_ok") == "1");
  CHECK(w.run(6380, {"get", "b"}) == RespValue::null_bulk());  // db 0
  CHECK(w.run(6380, {"select", "1"}) == RespValue::ok());
  CHECK(w.run(6380, {"get", "b"}) == RespValue::bulk("2"));
}

TEST_CASE("resync after a master restart from its snapshot: the old history is its replid2, "
          "its replicas continue") {
  RedisWorld w;
  start_master_and_replicas(w, "", {6380, 6381});  // default save points: SHUTDOWN saves
  write_keys(w, 6379, "k", 5);
  w.run_for(sim::Duration::seconds(2));
  std::string old_id = field(w, 6379, "master_replid");
  CHECK(w.run(6379, {"shutdown"}) == RespValue::error("(no reply)"));
  sim::NodeId master = w.world.find("master");
  CHECK_FALSE(w.world.alive(master));
  // The replicas acknowledged the GETACK first: the snapshot's offset is theirs.
  std::string offset = field(w, 6380, "master_repl_offset");
  w.world.start(master);
  w.run_for(sim::Duration::millis(10));
  std::string info = w.run(6379, {"info", "replication"}).str;
  CHECK(info_field(info, "master_replid") != old_id);
  CHECK(info_field(info, "master_replid2") == old_id);
  CHECK(info_field(info, "master_repl_offset") == offset);
  std::string next = std::to_string(std::stoll(offset) + 1);
  CHECK(info_field(info, "second_repl_offset") == next);
  CHECK(info_field(info, "repl_backlog_active") == "1");
  CHECK(info_field(info, "repl_backlog_first_byte_offset") == next);
  CHECK(info_field(info, "repl_backlog_histlen") == "0");
  w.run_for(sim::Duration::millis(1500));  // the replicas retry once a second
  CHECK(stat(w, 6379, "sync_partial_ok") == "2");
  CHECK(stat(w, 6379, "sync_full") == "0");
  for (int port : {6380, 6381}) {
    CAPTURE(port);
    CHECK(field(w, port, "master_replid2") == old_id);
  }
  w.run_for(sim::Duration::seconds(2));
  check_quiescent(w, 6379, {6380, 6381});
  CHECK(w.run(6381, {"dbsize"}) == RespValue::integer(5));
}

TEST_CASE("resync after a master restart without a snapshot: it comes back empty with a new "
          "history, and its replicas full-sync to nothing") {
  RedisWorld w;
  start_master_and_replicas(w, "save \"\"\n", {6380, 6381});
  write_keys(w, 6379, "k", 5);
  w.run_for(sim::Duration::seconds(2));
  std::string old_id = field(w, 6379, "master_replid");
  sim::NodeId master = w.world.find("master");
  w.world.crash(master);
  w.run_for(sim::Duration::millis(200));
  w.world.start(master);
  w.run_for(sim::Duration::millis(10));
  std::string info = w.run(6379, {"info", "replication"}).str;
  CHECK(info_field(info, "master_replid2") == std::string(40, '0'));
  CHECK(info_field(info, "master_repl_offset") == "0");
  CHECK(info_field(info, "repl_backlog_active") == "0");
  CHECK(w.run(6379, {"dbsize"}) == RespValue::integer(0));
  w.run_for(sim::Duration::millis(1500));
  CHECK(stat(w, 6379, "sync_partial_err") == "2");  // "Replication ID mismatch"
  CHECK(w.run(6380, {"dbsize"}) == RespValue::integer(5));  // served until the flush
  w.run_for(sim::Duration::seconds(6));
  CHECK(stat(w, 6379, "sync_full") == "2");
  for (int port : {6380, 6381}) {
    CAPTURE(port);
    CHECK(link(w, port) == "up");
    CHECK(w.run(port, {"dbsize"}) == RespValue::integer(0));
    CHECK(field(w, port, "master_replid") != old_id);
  }
  w.run_for(sim::Duration::seconds(2));
  check_quiescent(w, 6379, {6380, 6381});
}

TEST_CASE("resync: after quiescence a chain holds one offset at every level") {
  RedisWorld w;
  start_master_and_replicas(w, "save \"\"\n", {6380, 6381});
  w.add_server("leaf", 6382, "save \"\"\nslaveof 127.0.0.1 6381\n");
  w.run_for(sim::Duration::seconds(7));
  REQUIRE(link(w, 6382) == "up");
  write_keys(w, 6379, "k", 30, 100);
  CHECK(w.run(6379, {"rpush", "l", "a", "b"}) == RespValue::integer(2));
  w.run_for(sim::Duration::seconds(11));  // a PING goes down the chain too
  check_quiescent(w, 6379, {6380, 6381});
  check_quiescent(w, 6381, {6382});
}

TEST_CASE("min-replicas-to-write 1, min-replicas-max-lag 10: NOREPLICAS without a replica, "
          "11 s after the last ACK of a stopped one, and at once when it dies") {
  RedisWorld w;
  w.add_server("master", 6379, "save \"\"\nmin-replicas-to-write 1\nmin-replicas-max-lag 10\n");
  const RespValue kNoReplicas =
      RespValue::error("NOREPLICAS Not enough good replicas to write.");
  CHECK(set(w, 6379, "a", "1") == kNoReplicas);
  sim::NodeId replica = w.add_server("replica1", 6380, std::string(kReplicaConf));
  w.run_for(sim::Duration::seconds(7));
  CHECK(field(w, 6379, "min_slaves_good_slaves") == "1");
  CHECK(set(w, 6379, "a", "2") == RespValue::ok());
  // Stopped (SIGSTOP): its connection stays, its ACKs stop. Verified on 7.0.15: writes pass
  // while INFO shows lag<=10, and are refused from lag=11 on.
  w.world.pause(replica);
  int refused_after_s = -1;
  for (int s = 0; s < 14; ++s) {
    RespValue r = set(w, 6379, "a", std::to_string(s));
    std::string good = field(w, 6379, "min_slaves_good_slaves");
    CAPTURE(s);
    CHECK((r == RespValue::ok()) == (good == "1"));
    if (r == kNoReplicas && refused_after_s < 0) refused_after_s = s;
    w.run_for(sim::Duration::seconds(1));
  }
  CHECK(refused_after_s >= 10);
  CHECK(refused_after_s <= 12);
  w.world.resume(replica);
  w.run_for(sim::Duration::millis(1500));  // its next ACK
  CHECK(set(w, 6379, "b", "1") == RespValue::ok());
  w.world.crash(replica);
  w.run_for(sim::Duration::millis(10));
  CHECK(set(w, 6379, "b", "2") == kNoReplicas);
  CHECK(field(w, 6379, "connected_slaves") == "0");
  CHECK(field(w, 6379, "min_slaves_good_slaves") == "0");
}
