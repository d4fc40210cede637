// redis-py 4.3 (the reference runs' version, Debian 12's python3-redis): `redis.Redis(host,
// port)` for a pinned client, `Sentinel(...).master_for(name)` / `slave_for(name)` for a
// sentinel-aware one (redis/sentinel.py, redis/connection.py, redis/client.py):
// - every command takes the pool's connection; one the server closed while it sat idle is
//   noticed (can_read) and replaced silently before the command is sent;
// - a sentinel-aware connection is (re)connected to what discover_master returns: SENTINEL
//   MASTERS asked of each sentinel in list order, the first entry flagged master and neither
//   s_down nor o_down wins and its sentinel moves to the front; none: MasterNotFoundError;
// - replica reads: discover_slaves (the first sentinel with a non-empty list of replicas not
//   s_down / o_down), round-robin from a random start, the master as a fallback;
// - errors fail fast (no retry in 4.x) and drop the connection; READONLY on a master
//   connection becomes ConnectionError("The previous master is now a slave");
// - `retries` > 0 models the Retry(ExponentialWithJitterBackoff) of later versions: connection
//   and timeout errors (MasterNotFoundError included) rerun the command after the backoff.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/client_library.h"

namespace model {

class RedisPyClient final : public ClientLibrary {
 public:
  RedisPyClient(sim::Env& env, ClientSockets& sockets, LibraryOptions options);
  void execute(std::vector<std::string> argv, Target target, Done done) override;

 private:
  struct Call;
  struct Error {  // an exception as redis-py raises it
    std::string text;       // "Class: message"
    bool retryable = false;  // ConnectionError or TimeoutError (and their subclasses)
    bool sent = false;       // the command may have reached the server
    bool timeout = false;
  };
  using Then = std::function<void(std::optional<Error>)>;
  struct Pool {  // one connection: the workload makes one call at a time
    std::unique_ptr<ServerConnection> conn;
    std::optional<sim::Address> master_address;  // SentinelConnectionPool.master_address
    std::optional<size_t> rr_counter;             // slave_rr_counter
  };
  struct SentinelClient {
    sim::Address addr;
    std::unique_ptr<ServerConnection> conn;
  };

  bool sentinel_mode() const { return !options_.server.has_value(); }
  Pool& pool_for(Target target);
  void attempt(std::shared_ptr<Call> call);
  // Sends the call on the pool's connection (connected) and handles its reply.
  void send(std::shared_ptr<Call> call, Pool& pool);
  // A connected connection the server has not closed: get_connection hands it out as it is.
  static bool usable(const ServerConnection& conn) {
    return conn.connected() && conn.gone() == ConnFailure::kNone;
  }
  void finish(const std::shared_ptr<Call>& call, Outcome outcome);
  void fail(const std::shared_ptr<Call>& call, Error error);
  // get_connection: a connected connection whose server went away is reconnected first.
  void get_connection(Pool& pool, Target target, Then then);
  void connect_pool(Pool& pool, Target target, Then then);
  void connect_to(Pool& pool, const sim::Address& addr, Then then);
  void connect_replica(Pool& pool, std::shared_ptr<std::vector<sim::Address>> candidates,
                       size_t tried, Then then);
  // Sentinel.discover_master / discover_slaves, one sentinel after the other.
  void discover_master(size_t index, std::function<void(std::optional<sim::Address>)> then);
  void discover_slaves(size_t index, std::function<void(std::vector<sim::Address>)> then);
  // One command to sentinel `index` on its own pooled connection; `then` gets its reply (valid
  // during the call only), or nullptr on any failure.
  void ask_sentinel(size_t index, std::vector<std::string> argv,
                    std::function<void(const RespValue*)> then);
  Error connection_error(ConnFailure failure, const sim::Address& addr, bool sent) const;

  sim::Env& env_;
  ClientSockets& sockets_;
  LibraryOptions options_;
  Pool master_pool_;
  Pool replica_pool_;
  std::vector<SentinelClient> sentinels_;  // in the order discovery tries them
};

// redis-py's exception for an error reply (parse_error): "ReadOnlyError: You can't write ...".
std::string redis_py_error_text(std::string_view reply);

}  // namespace model
