// Real redis-servers and simulated ones side by side, for differential tests: every node runs
// as a real redis-server process and as a simulated model::RedisServer (or as redis-sentinel
// and model::Sentinel), on the same port and with the same redis.conf (sentinel.conf) lines,
// and a test sends each command to both.
//
// Timing differs between the two worlds (a real full sync takes wall-clock time, a simulated
// one virtual time), so tests compare states, not timings: settle() waits in each world until
// a predicate holds, then the test compares replies and INFO fields.
//
// Invariants:
// - Nodes are indexed in the order added; node i has the same port in both worlds.
// - INFO comparisons are exact except for the values value_form() names: inherently random
//   ids (compared by form) and durations in seconds (compared by sign: -1 or >= 0).
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/resp.h"
#include "tests/real_redis/real_server.h"
#include "tests/real_redis/resp_client.h"
#include "tests/unit/redis_harness.h"
#include "tools/redis_cli_format.h"

// doctest prints a RespValue as redis-cli would.
namespace doctest {
template <>
struct StringMaker<model::RespValue> {
  static String convert(const model::RespValue& value) {
    std::string text = tools::format_reply_tty(value);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return String(text.c_str());
  }
};
}  // namespace doctest

namespace real_redis {

enum class Side : uint8_t { kReal, kSim };
constexpr Side kSides[] = {Side::kReal, Side::kSim};
std::string_view side_name(Side side);

// One `name:value` line of an INFO reply, in reply order ("# Section" headers skipped).
struct InfoField {
  std::string name;
  std::string value;
};
std::vector<InfoField> parse_info(std::string_view text);
// The value of `name`, or "<missing>".
std::string info_value(std::string_view text, std::string_view name);
// The field names in order, comma-separated: "role,connected_slaves,...".
std::string info_names(std::string_view text);
// What an INFO value is compared by: the value itself, except for
// - master_replid, master_replid2: random 40-hex-digit ids (replicationCreateMasterReplId),
//   compared as "<40 hex>" (or "<zero id>" for an unset master_replid2);
// - master_last_io_seconds_ago, master_link_down_since_seconds and the lag= of slaveN lines:
//   seconds of wall-clock vs virtual time, compared as "-1" (never) or "<seconds>".
std::string value_form(std::string_view name, std::string_view value);

// The redis.conf lines every differential test server gets, then `extra`:
// - save "": no RDB snapshots, as the oracle recordings run (nothing on disk to compare);
// - repl-ping-replica-period 3600: a master PINGs its replicas through the replication
//   stream whenever its cron loop count is a multiple of the period, which shifts
//   master_repl_offset by 14 bytes at a wall-clock moment the simulator cannot share; an
//   hour keeps the PINGs out of every test.
// `argv` as one line, for failure messages: "SET k1 v1".
std::string command_line(const std::vector<std::string>& argv);

std::vector<std::string> test_conf(std::vector<std::string> extra = {});

class SideBySide {
 public:
  explicit SideBySide(uint64_t seed = 1);

  // Starts `name` in both worlds with `conf` (redis.conf directives, one a line) and waits
  // until it answers PING in each. Returns its node index.
  int add_server(const std::string& name, const std::vector<std::string>& conf);
  // Starts Sentinel `name` likewise: redis-sentinel and model::Sentinel, with `conf`
  // (sentinel.conf directives). Returns its node index.
  int add_sentinel(const std::string& name, const std::vector<std::string>& conf);
  // Opens a new connection to the real node, after the server closed the old one (as
  // Sentinel's CLIENT KILL TYPE normal does to a replica it reconfigures); the simulated
  // client reconnects by itself.
  void reconnect(int node);
  // kill -9 of the node in both worlds: the real process now, the simulated one at the
  // simulator's current time.
  void kill9(int node);
  const RealServer& real(int node) const { return *nodes_.at(static_cast<size_t>(node)).real; }
  int port(int node) const { return nodes_.at(static_cast<size_t>(node)).port; }
  const std::string& name(int node) const { return nodes_.at(static_cast<size_t>(node)).name; }

  // Sends `argv` on the node's one connection in `side` (connection state such as SELECT
  // persists, as in redis-cli) and returns the reply.
  model::RespValue run(Side side, int node, const std::vector<std::string>& argv);
  // Sends `argv` to both worlds and CHECKs that the replies are equal; returns the real one.
  model::RespValue check_same_reply(int node, const std::vector<std::string>& argv);

  // INFO <section> of the node in `side`, and one of its fields.
  std::string info(Side side, int node, std::string_view section = "replication");
  std::string field(Side side, int node, std::string_view name);

  // Waits in each world until done(side) holds: polls the real servers every 10 ms for up
  // to 30 s, and runs the simulator 10 ms of virtual time at a time for up to 60 s. CHECKs
  // that both worlds got there; returns whether they did.
  bool settle(std::string_view what, const std::function<bool(Side)>& done);

  // CHECKs that INFO <section> of the node has the same field names, in the same order, in
  // both worlds, and the same values (by value_form).
  void check_same_info(int node, std::string_view what, std::string_view section =
                                                            "replication");

  test::RedisWorld& sim() { return world_; }

 private:
  struct Node {
    std::string name;
    int port = 0;
    std::unique_ptr<RealServer> real;
    std::unique_ptr<RespClient> client;
    sim::NodeId sim_id;
  };

  int add_node(const std::string& name, const std::vector<std::string>& conf, bool sentinel);

  test::RedisWorld world_;
  std::vector<Node> nodes_;
};

}  // namespace real_redis
