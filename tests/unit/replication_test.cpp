// Replication between simulated redis-servers: the tutorial walkthroughs' stories.
#include <doctest/doctest.h>

#include "tests/unit/redis_harness.h"

using model::RespValue;
using test::RedisWorld;

namespace {

std::string info_field(const std::string& info, const std::string& field) {
  size_t at = info.find(field + ":");
  if (at == std::string::npos) return "<missing>";
  size_t start = at + field.size() + 1;
  return info.substr(start, info.find("\r\n", start) - start);
}

}  // namespace

TEST_CASE("replicaof at runtime: full sync after the diskless delay, then writes flow") {
  RedisWorld w;
  w.add_server("master", 6379);
  auto replica = w.add_server("replica1", 6380);
  w.run_for(sim::Duration::millis(100));
  CHECK(w.run(6379, {"set", "k1", "v1"}) == RespValue::ok());
  CHECK(w.run(6380, {"SLAVEOF", "127.0.0.1", "6379"}) == RespValue::ok());
  w.run_for(sim::Duration::seconds(1));
  std::string info = w.server(replica).info("replication");
  CHECK(info_field(info, "master_link_status") == "down");  // waiting for the 5 s fork
  w.run_for(sim::Duration::seconds(6));
  info = w.server(replica).info("replication");
  CHECK(info_field(info, "master_link_status") == "up");
  CHECK(w.run(6380, {"get", "k1"}) == RespValue::bulk("v1"));
  CHECK(w.run(6379, {"set", "k2", "v2"}) == RespValue::ok());
  w.run_for(sim::Duration::millis(10));
  CHECK(w.run(6380, {"get", "k2"}) == RespValue::bulk("v2"));
  CHECK(w.run(6380, {"set", "k3", "v3"}) ==
        RespValue::error("READONLY You can't write against a read only replica."));
  std::string master_info = w.server(0 + 1).info("replication");
  CHECK(info_field(master_info, "connected_slaves") == "1");
  CHECK(info_field(master_info, "master_repl_offset") ==
        info_field(w.server(replica).info("replication"), "master_repl_offset"));
}
