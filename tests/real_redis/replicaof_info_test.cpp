// Sequence 2: REPLICAOF at runtime, with the default diskless sync (repl-diskless-sync yes,
// a 5 s repl-diskless-sync-delay). INFO replication of master and replica, field names in
// order and values (ids and seconds by form), and ROLE replies, equal real Redis's:
// - before REPLICAOF (two masters);
// - while the master delays the sync: it lists the replica as wait_bgsave, the replica is
//   in the handshake (its PSYNC unanswered until the fork);
// - after the sync: link up, replica online, same replication id on both.
#include <doctest/doctest.h>

#include "tests/real_redis/side_by_side.h"

using real_redis::Side;
using real_redis::SideBySide;

namespace {

// ROLE's third element on a replica: its link state ("connect", "handshake", ...).
std::string role_state(SideBySide& s, Side side, int node) {
  model::RespValue role = s.run(side, node, {"ROLE"});
  return role.elements.size() > 3 ? role.elements[3].str : "<" + role.str + ">";
}

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

void compare_both(SideBySide& s, int master, int replica, std::string_view when) {
  s.check_same_info(master, when);
  s.check_same_info(replica, when);
  s.check_same_reply(master, {"ROLE"});
  s.check_same_reply(replica, {"ROLE"});
}

}  // namespace

TEST_CASE("replicaof at runtime: INFO replication fields and ROLE before, during, after sync") {
  SideBySide s;
  int master = s.add_server("master", real_redis::test_conf());
  int replica = s.add_server("replica1", real_redis::test_conf());
  s.check_same_reply(master, {"SET", "k1", "v1"});
  s.check_same_reply(master, {"RPUSH", "l", "a", "b"});
  s.check_same_reply(replica, {"SET", "stale", "x"});  // a full sync discards it
  compare_both(s, master, replica, "before REPLICAOF");

  s.check_same_reply(replica, {"REPLICAOF", "127.0.0.1", std::to_string(s.port(master))});
  s.check_same_reply(replica, {"REPLICAOF", "127.0.0.1", std::to_string(s.port(master))});
  REQUIRE(s.settle("the master delays the diskless sync", [&](Side side) {
    return has(s.field(side, master, "slave0"), "state=wait_bgsave") &&
           role_state(s, side, replica) == "handshake";
  }));
  compare_both(s, master, replica, "while the master delays the sync");

  REQUIRE(s.settle("replica1 synced, master lists it online", [&](Side side) {
    return s.field(side, replica, "master_link_status") == "up" &&
           has(s.field(side, master, "slave0"), "state=online");
  }));
  compare_both(s, master, replica, "after the sync");
  for (Side side : real_redis::kSides) {
    INFO(real_redis::side_name(side), ": the replica took the master's replication id");
    CHECK(s.field(side, replica, "master_replid") == s.field(side, master, "master_replid"));
  }
  s.check_same_reply(replica, {"GET", "k1"});
  s.check_same_reply(replica, {"EXISTS", "stale"});

  // A write flows to the replica; both offsets move by its bytes.
  s.check_same_reply(master, {"SET", "k2", "v2"});
  REQUIRE(s.settle("replica1 applied the write", [&](Side side) {
    return s.field(side, replica, "slave_repl_offset") ==
               s.field(side, master, "master_repl_offset") &&
           has(s.field(side, master, "slave0"),
               "offset=" + s.field(side, master, "master_repl_offset") + ",");
  }));
  compare_both(s, master, replica, "after a write");
}
