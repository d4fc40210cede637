// Sequence 3: REPLICAOF NO ONE promotes a replica. Real Redis and the simulator must agree on
// - the replid shift (shiftReplicationId): master_replid2 = the old master's replid,
//   second_repl_offset = the offset at promotion + 1, a fresh master_replid;
// - READONLY on the replica before, and SET accepted after (its offset moving on);
// - WAIT: acked by the replica while it replicates; 0 once it has left; refused on a replica;
//   its REPLCONF GETACK counted in master_repl_offset;
// - the texts of errors processCommand and the commands build: unknown command and
//   subcommand, wrong arity, bad integers;
// - and when the old master, with no write since, rejoins as the promoted one's replica: a
//   partial resync (+CONTINUE) thanks to master_replid2, then the stream flows back.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <map>

#include "tests/real_redis/side_by_side.h"

using real_redis::info_value;
using real_redis::Side;
using real_redis::SideBySide;

namespace {

// Runs `argv` on both worlds, CHECKing equal replies and equal master_repl_offset after.
void check_reply_and_offset(SideBySide& s, int node, const std::vector<std::string>& argv) {
  s.check_same_reply(node, argv);
  INFO(s.name(node), ": master_repl_offset after ", real_redis::command_line(argv));
  CHECK(s.field(Side::kSim, node, "master_repl_offset") ==
        s.field(Side::kReal, node, "master_repl_offset"));
}

// After a WAIT that sent REPLCONF GETACK (and the INFO that read the offset), WAIT 0 0 asks
// for acks of the GETACK too: Redis sets the client's WAIT target, c->woff, to
// master_repl_offset after every command (processCommand, server.c), not only after writes.
// The replica's answer to GETACK reports its offset before the GETACK, so no replica counts
// until its next once-a-second REPLCONF ACK. That ACK can land in between (a window of a few
// ms): then the real reply may be 1, and the comparison is skipped with a message.
void check_wait_after_getack(SideBySide& s, int master) {
  auto acked = [&](Side side) {  // the offset= of "slave0:ip=...,offset=52,lag=0"
    std::string line = s.field(side, master, "slave0");
    size_t at = line.find(",offset=");
    return at == std::string::npos ? line : line.substr(at + 8, line.find(',', at + 8) - at - 8);
  };
  std::map<Side, std::string> offset_before;
  for (Side side : real_redis::kSides) offset_before[side] = acked(side);
  model::RespValue real = s.run(Side::kReal, master, {"WAIT", "0", "0"});
  model::RespValue simulated = s.run(Side::kSim, master, {"WAIT", "0", "0"});
  bool acked_between = false;
  for (Side side : real_redis::kSides) acked_between |= acked(side) != offset_before[side];
  if (acked_between) {
    MESSAGE("WAIT 0 0 not compared: a replica's periodic ACK came in between");
    return;
  }
  INFO("master> WAIT 0 0 after WAIT 1 2000 and INFO; replica acked ",
       offset_before[Side::kReal], " (real), ", offset_before[Side::kSim], " (sim)");
  CHECK(simulated == real);
}

const std::vector<std::vector<std::string>> kBadCommands = {
    {"FOO"},
    {"FOO", "a", "b c"},
    {"foo", std::string(200, 'x'), "y"},  // the args are cut at 128 bytes
    {"FOO", "a\r\nb"},                    // newlines in an error become spaces
    {"GET"},
    {"SET", "k"},
    {"set", "k", "v", "EX"},
    {"WAIT", "1"},
    {"WAIT", "x", "0"},
    {"WAIT", "1", "-1"},
    {"REPLICAOF", "127.0.0.1"},
    {"REPLICAOF", "127.0.0.1", "notaport"},
    {"CONFIG", "FOO"},
    {"CONFIG"},
    {"INCRBYFLOAT", "k1", "abc"},
    {"EXPIRE", "k1", "soon"},
};

}  // namespace

TEST_CASE("replicaof no one: replid shift, READONLY before and writes after, WAIT, errors") {
  SideBySide s;
  int master = s.add_server("master", real_redis::test_conf({"repl-diskless-sync-delay 0"}));
  int replica = s.add_server(
      "replica1", real_redis::test_conf({fmt::format("replicaof 127.0.0.1 {}", s.port(master))}));
  REQUIRE(s.settle("replica1 synced, master lists it online", [&](Side side) {
    return s.field(side, replica, "master_link_status") == "up" &&
           s.field(side, master, "slave0").find("state=online") != std::string::npos;
  }));

  check_reply_and_offset(s, master, {"SET", "k1", "v1"});
  check_reply_and_offset(s, master, {"WAIT", "1", "2000"});  // GETACK: 37 more bytes
  check_wait_after_getack(s, master);
  s.check_same_reply(replica, {"SET", "k2", "v2"});  // READONLY
  s.check_same_reply(replica, {"WAIT", "0", "0"});   // refused on a replica
  s.check_same_reply(replica, {"GET", "k1"});
  REQUIRE(s.settle("replica1 caught up", [&](Side side) {
    return s.field(side, replica, "slave_repl_offset") ==
           s.field(side, master, "master_repl_offset");
  }));
  s.check_same_info(replica, "before REPLICAOF NO ONE");

  std::map<Side, std::string> old_replid, old_offset;
  for (Side side : real_redis::kSides) {
    old_replid[side] = s.field(side, replica, "master_replid");
    old_offset[side] = s.field(side, replica, "master_repl_offset");
  }
  s.check_same_reply(replica, {"REPLICAOF", "NO", "ONE"});
  s.check_same_info(replica, "after REPLICAOF NO ONE");
  for (Side side : real_redis::kSides) {
    INFO(real_redis::side_name(side), ": the replid shift of the promoted replica");
    CHECK(s.field(side, replica, "master_replid2") == old_replid[side]);
    CHECK(s.field(side, replica, "master_replid") != old_replid[side]);
    CHECK(s.field(side, replica, "second_repl_offset") ==
          std::to_string(std::stoll(old_offset[side]) + 1));
    CHECK(s.field(side, replica, "master_repl_offset") == old_offset[side]);
  }
  s.check_same_reply(replica, {"ROLE"});
  check_reply_and_offset(s, replica, {"SET", "k2", "v2"});
  check_reply_and_offset(s, replica, {"INCR", "n"});
  check_reply_and_offset(s, replica, {"WAIT", "0", "0"});
  s.check_same_reply(replica, {"REPLICAOF", "NO", "ONE"});  // already a master
  s.check_same_info(replica, "after writes as a master");

  // The old master notices its replica left; WAIT then times out with no replica.
  REQUIRE(s.settle("the master has no replica", [&](Side side) {
    return s.field(side, master, "connected_slaves") == "0";
  }));
  s.check_same_info(master, "after its replica left");
  s.check_same_reply(master, {"ROLE"});
  check_reply_and_offset(s, master, {"WAIT", "1", "100"});
  check_reply_and_offset(s, master, {"SET", "k3", "v3"});

  for (const std::vector<std::string>& argv : kBadCommands) {
    check_reply_and_offset(s, master, argv);
  }
}

TEST_CASE("old master rejoins the promoted replica: partial resync on the shifted replid") {
  SideBySide s;
  int master = s.add_server("master", real_redis::test_conf({"repl-diskless-sync-delay 0"}));
  int replica = s.add_server(
      "replica1", real_redis::test_conf({fmt::format("replicaof 127.0.0.1 {}", s.port(master))}));
  REQUIRE(s.settle("replica1 synced, master lists it online", [&](Side side) {
    return s.field(side, replica, "master_link_status") == "up" &&
           s.field(side, master, "slave0").find("state=online") != std::string::npos;
  }));
  check_reply_and_offset(s, master, {"SET", "k1", "v1"});
  check_reply_and_offset(s, master, {"RPUSH", "l", "a", "b"});
  REQUIRE(s.settle("replica1 caught up", [&](Side side) {
    return s.field(side, replica, "slave_repl_offset") ==
           s.field(side, master, "master_repl_offset");
  }));

  s.check_same_reply(replica, {"REPLICAOF", "NO", "ONE"});
  s.check_same_reply(master, {"REPLICAOF", "127.0.0.1", std::to_string(s.port(replica))});
  REQUIRE(s.settle("master re-synced from replica1", [&](Side side) {
    return s.field(side, master, "master_link_status") == "up" &&
           s.field(side, replica, "slave0").find("state=online") != std::string::npos;
  }));
  for (std::string_view stat : {"sync_full", "sync_partial_ok", "sync_partial_err"}) {
    INFO("INFO stats of replica1 (the new master): ", stat);
    CHECK(info_value(s.info(Side::kSim, replica, "stats"), stat) ==
          info_value(s.info(Side::kReal, replica, "stats"), stat));
  }
  s.check_same_info(master, "after rejoining as a replica");
  s.check_same_info(replica, "after its old master rejoined");
  for (Side side : real_redis::kSides) {
    INFO(real_redis::side_name(side), ": the rejoined replica follows the new replid");
    CHECK(s.field(side, master, "master_replid") == s.field(side, replica, "master_replid"));
  }

  check_reply_and_offset(s, replica, {"SET", "k2", "v2"});
  REQUIRE(s.settle("the old master applied the write", [&](Side side) {
    return s.field(side, master, "slave_repl_offset") ==
           s.field(side, replica, "master_repl_offset");
  }));
  s.check_same_reply(master, {"GET", "k2"});
  s.check_same_reply(master, {"ROLE"});
  s.check_same_info(master, "after a write flowed to it");
}
