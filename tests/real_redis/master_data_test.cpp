// Sequence 1: data commands on a master whose replica has synced. Every reply and the
// master's master_repl_offset after every command must equal real Redis's: the offset counts
// the bytes each command propagates (SET EX rewritten with PXAT, EXPIRE as PEXPIREAT,
// INCRBYFLOAT as SET ... KEEPTTL, SELECT before a write to another db, nothing for a DEL
// that deletes nothing), so it checks propagation byte for byte.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "tests/real_redis/side_by_side.h"

using real_redis::Side;
using real_redis::SideBySide;

namespace {

const std::vector<std::vector<std::string>> kCommands = {
    {"SET", "k1", "v1"},
    {"GET", "k1"},
    {"SET", "k2", "v2", "EX", "100"},
    {"TTL", "k2"},  // 100 in both: TTL rounds, and the real command runs within 500 ms
    {"SET", "k3", "v3", "PX", "100000"},
    {"TTL", "k3"},
    {"SET", "k4", "v4", "EX", "0"},
    {"SET", "k4", "v4", "NX", "EX", "50"},
    {"SET", "k4", "v5", "NX"},
    {"SET", "k4", "v6", "XX", "GET"},
    {"GET", "k4"},
    {"EXPIRE", "k1", "200"},
    {"TTL", "k1"},
    {"EXPIRE", "missing", "10"},
    {"EXPIRE", "k4", "-1"},  // a past expiry deletes the key, propagated as DEL
    {"EXISTS", "k4"},
    {"INCRBYFLOAT", "f", "10.5"},
    {"INCRBYFLOAT", "f", "0.1"},
    {"INCRBYFLOAT", "f", "5.0e3"},
    {"INCRBYFLOAT", "k2", "1"},
    {"GET", "f"},
    {"DEL", "missing1", "missing2"},
    {"DEL", "k3", "missing"},
    {"SADD", "s", "a", "b", "a"},
    {"SADD", "s", "a"},  // adds nothing: not propagated
    {"SCARD", "s"},
    {"SADD", "n", "3", "1", "2"},
    {"SMEMBERS", "n"},  // an intset: sorted in real Redis
    {"RPUSH", "l", "a", "b", "c"},
    {"RPUSH", "s", "x"},
    {"LRANGE", "l", "0", "-1"},
    {"INCR", "f"},
    {"SELECT", "1"},
    {"GET", "k1"},
    {"SET", "k1", "db1"},
    {"RPUSH", "l1", "x"},
    {"DBSIZE"},
    {"SELECT", "0"},
    {"GET", "k1"},
    {"SET", "k5", "v5"},
    {"SELECT", "1"},
    {"DEL", "k1"},
    {"SELECT", "0"},
    {"INCR", "counter"},
    {"DBSIZE"},
};

}  // namespace

TEST_CASE("master with a synced replica: data commands' replies and offsets equal real Redis") {
  SideBySide s;
  int master = s.add_server("master", real_redis::test_conf({"repl-diskless-sync-delay 0"}));
  int replica = s.add_server(
      "replica1", real_redis::test_conf({fmt::format("replicaof 127.0.0.1 {}", s.port(master))}));
  REQUIRE(s.settle("replica1 synced, master lists it online", [&](Side side) {
    return s.field(side, replica, "master_link_status") == "up" &&
           s.field(side, master, "slave0").find("state=online") != std::string::npos;
  }));
  s.check_same_info(master, "after the sync");

  for (const std::vector<std::string>& argv : kCommands) {
    s.check_same_reply(master, argv);
    INFO("master_repl_offset after ", real_redis::command_line(argv));
    CHECK(s.field(Side::kSim, master, "master_repl_offset") ==
          s.field(Side::kReal, master, "master_repl_offset"));
  }

  // The replica applies the whole stream: same offsets, same data.
  REQUIRE(s.settle("replica1 caught up", [&](Side side) {
    return s.field(side, replica, "slave_repl_offset") ==
           s.field(side, master, "master_repl_offset");
  }));
  s.check_same_info(master, "after the commands");
  s.check_same_info(replica, "after the commands");
  for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
           {"GET", "f"}, {"TTL", "l"}, {"EXISTS", "k3", "k4"}, {"SCARD", "s"},
           {"LRANGE", "l", "0", "-1"}, {"SELECT", "1"}, {"DBSIZE"}, {"LRANGE", "l1", "0", "-1"},
           {"SELECT", "0"}, {"DBSIZE"}}) {
    s.check_same_reply(replica, argv);
  }
  // The replica holds k2's expiry. TTLs count down in wall-clock time in the real world only
  // (syncing took a while there), so they are compared by range.
  for (Side side : real_redis::kSides) {
    int64_t ttl = s.run(side, replica, {"TTL", "k2"}).num;
    INFO(real_redis::side_name(side), ": replica1> TTL k2 = ", ttl);
    CHECK((ttl > 90 && ttl <= 100));
  }
}
