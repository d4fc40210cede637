// WAIT numreplicas timeout (replication.c waitCommand, blocked.c): a client blocks until
// enough replicas acknowledged its last write, or the timeout.
#include <fmt/format.h>

#include <algorithm>

#include "model/config_syntax.h"
#include "model/server.h"

namespace model {

// --- WAIT (replication.c waitCommand) ------------------------------------------------------------

int64_t RedisServer::replicas_acked(int64_t offset) const {
  return std::count_if(replicas_.begin(), replicas_.end(), [offset](const Client* r) {
    return r->repl_state == ReplicaLinkState::kOnline && r->repl_ack_off >= offset;
  });
}

void RedisServer::cmd_wait(Client& c, std::span<const std::string> argv) {
  if (!is_master()) {
    reply(c, RespValue::error("ERR WAIT cannot be used with replica instances. Please also note "
                              "that since Redis 4.0 if a replica is configured to be writable "
                              "(which is not the default) writes to replicas are just local and "
                              "are not propagated."));
    return;
  }
  int64_t numreplicas = 0, timeout_ms = 0;
  if (!parse_ll(argv[1], numreplicas)) {
    reply(c, RespValue::error("ERR value is not an integer or out of range"));
    return;
  }
  if (!parse_ll(argv[2], timeout_ms)) {
    reply(c, RespValue::error("ERR timeout is not an integer or out of range"));
    return;
  }
  if (timeout_ms < 0) {  // getTimeoutFromObjectOrReply
    reply(c, RespValue::error("ERR timeout is negative"));
    return;
  }
  int64_t acked = replicas_acked(c.woff);
  if (acked >= numreplicas || c.has(client_flags::kMulti)) {
    reply(c, RespValue::integer(acked));
    return;
  }
  c.flags |= client_flags::kBlocked;
  ++blocked_on_wait_;
  c.wait_numreplicas = numreplicas;
  c.wait_offset = c.woff;
  if (timeout_ms > 0) {
    uint64_t id = c.id;
    c.wait_timer = env().after(sim::Duration::millis(timeout_ms), [this, id] {
      auto it = clients_.find(id);
      if (it != clients_.end()) unblock_wait(*it->second);
    });
  }
  // The next beforeSleep asks every replica for an ACK (REPLCONF GETACK *).
  if (!get_ack_pending_) {
    get_ack_pending_ = true;
    env().after(sim::Duration{}, [this] {
      get_ack_pending_ = false;
      static const std::string kGetack[] = {"REPLCONF", "GETACK", "*"};
      propagate(-1, kGetack);
    });
  }
}

void RedisServer::unblock_wait(Client& c) {
  c.flags &= ~client_flags::kBlocked;
  --blocked_on_wait_;
  if (c.wait_timer.valid()) env().cancel(c.wait_timer);
  c.wait_timer = {};
  reply(c, RespValue::integer(replicas_acked(c.wait_offset)));
  process_input(c);  // commands that arrived while it waited
}

void RedisServer::check_waiting_clients() {
  if (blocked_on_wait_ == 0) return;
  std::vector<Client*> ready;
  for (const auto& [id, c] : clients_) {
    if (c->has(client_flags::kBlocked) && replicas_acked(c->wait_offset) >= c->wait_numreplicas) {
      ready.push_back(c.get());
    }
  }
  for (Client* c : ready) unblock_wait(*c);
}

}  // namespace model
