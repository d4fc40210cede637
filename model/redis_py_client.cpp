#include "model/redis_py_client.h"

#include <fmt/format.h>

#include "model/sentinel_reply.h"
#include "sim/rng.h"

namespace model {

using sentinel_reply::entry_address;
using sentinel_reply::field;
using sentinel_reply::has_flag;

std::string redis_py_error_text(std::string_view reply) {
  // parse_error: a known error code becomes its exception class and is stripped from the text.
  struct Code {
    std::string_view code, exception;
  };
  static constexpr Code kCodes[] = {
      {"ERR", "ResponseError"},         {"EXECABORT", "ExecAbortError"},
      {"LOADING", "BusyLoadingError"},  {"NOSCRIPT", "NoScriptError"},
      {"READONLY", "ReadOnlyError"},    {"NOAUTH", "AuthenticationError"},
      {"NOPERM", "NoPermissionError"},
  };
  std::string_view code = reply.substr(0, reply.find(' '));
  for (const Code& c : kCodes) {
    if (code == c.code) {
      std::string_view rest = code.size() < reply.size() ? reply.substr(code.size() + 1) : "";
      if (c.code == "ERR" && rest == "max number of clients reached") {
        return fmt::format("ConnectionError: {}", rest);
      }
      return fmt::format("{}: {}", c.exception, rest);
    }
  }
  return fmt::format("ResponseError: {}", reply);
}

struct RedisPyClient::Call {
  std::vector<std::string> argv;
  Target target;
  Done done;
  int failures = 0;
  bool maybe_applied = false;  // an earlier attempt was sent and its fate is unknown
};

RedisPyClient::RedisPyClient(sim::Env& env, ClientSockets& sockets, LibraryOptions options)
    : env_(env), sockets_(sockets), options_(std::move(options)) {
  master_pool_.conn = std::make_unique<ServerConnection>(env_, sockets_);
  replica_pool_.conn = std::make_unique<ServerConnection>(env_, sockets_);
  for (const sim::Address& addr : options_.sentinels) {
    sentinels_.push_back({addr, std::make_unique<ServerConnection>(env_, sockets_)});
  }
}

RedisPyClient::Pool& RedisPyClient::pool_for(Target target) {
  return target == Target::kMaster ? master_pool_ : replica_pool_;
}

RedisPyClient::Error RedisPyClient::connection_error(ConnFailure failure,
                                                     const sim::Address& addr,
                                                     bool sent) const {
  switch (failure) {
    case ConnFailure::kRefused:
      return {fmt::format("ConnectionError: Error 111 connecting to {}:{}. Connection refused.",
                          addr.host, addr.port),
              true, false, false};
    case ConnFailure::kConnectTimeout:
      return {"TimeoutError: Timeout connecting to server", true, false, true};
    case ConnFailure::kReadTimeout:
      return {"TimeoutError: Timeout reading from socket", true, sent, true};
    case ConnFailure::kClosedByServer:
      return {"ConnectionError: Connection closed by server.", true, sent, false};
    case ConnFailure::kReset:
      return {"ConnectionError: Error while reading from socket: (104, 'Connection reset by "
              "peer')",
              true, sent, false};
    case ConnFailure::kNone:
      break;
  }
  return {"ConnectionError: unknown", true, sent, false};
}

void RedisPyClient::execute(std::vector<std::string> argv, Target target, Done done) {
  auto call = std::make_shared<Call>();
  call->argv = std::move(argv);
  call->target = target;
  call->done = std::move(done);
  attempt(std::move(call));
}

void RedisPyClient::attempt(std::shared_ptr<Call> call) {
  Pool& pool = pool_for(call->target);
  // get_connection's usual case, without building its callback.
  if (usable(*pool.conn)) return send(std::move(call), pool);
  get_connection(pool, call->target, [this, call, &pool](std::optional<Error> error) {
    if (error) return fail(call, std::move(*error));
    send(call, pool);
  });
}

void RedisPyClient::send(std::shared_ptr<Call> call, Pool& pool) {
  ServerConnection& conn = *pool.conn;
  sim::Address server = conn.address();
  const std::vector<std::string>& argv = call->argv;  // the callback keeps the call alive
  conn.call(argv, options_.socket_timeout,
            [this, call = std::move(call), &pool, server](CallResult& r) {
              if (!r.ok()) {
                pool.conn->disconnect();
                return fail(call, connection_error(r.failure, server, true));
              }
              if (!r.reply.is_error()) {
                return finish(call, {Outcome::Result::kOk, std::move(r.reply), {}, server});
              }
              if (sentinel_mode() && call->target == Target::kMaster &&
                  r.reply.str.starts_with("READONLY")) {
                // SentinelManagedConnection.read_response: the master we hold was demoted.
                pool.conn->disconnect();
                return fail(call, {"ConnectionError: The previous master is now a slave", true,
                                   false, false});
              }
              finish(call,
                     {Outcome::Result::kError, {}, redis_py_error_text(r.reply.str), server});
            });
}

void RedisPyClient::fail(const std::shared_ptr<Call>& call, Error error) {
  call->maybe_applied = call->maybe_applied || error.sent;
  if (error.retryable && call->failures < options_.retries) {
    // Retry.call_with_retry: ExponentialWithJitterBackoff, uniform in [0, min(cap, base*2^n)].
    ++call->failures;
    int64_t cap = options_.backoff_cap.us;
    int64_t base = options_.backoff_base.us;
    // min(cap, base * 2^failures) without overflowing: past the cap, the cap.
    int64_t ceiling = call->failures >= 62 || base > (cap >> call->failures)
                          ? cap
                          : base << call->failures;
    sim::Duration backoff = sim::Duration::micros(
        static_cast<int64_t>(env_.rng("retry").uniform(0, static_cast<uint64_t>(ceiling))));
    env_.after(backoff, [this, call] { attempt(call); });
    return;
  }
  Outcome::Result result = Outcome::Result::kError;
  if (call->maybe_applied) result = error.timeout ? Outcome::Result::kTimeout
                                                  : Outcome::Result::kUnknown;
  const ServerConnection& conn = *pool_for(call->target).conn;
  finish(call, {result, {}, std::move(error.text), conn.address()});
}

void RedisPyClient::finish(const std::shared_ptr<Call>& call, Outcome outcome) {
  if (outcome.result == Outcome::Result::kError && call->maybe_applied) {
    outcome.result = Outcome::Result::kUnknown;
  }
  Done done = std::move(call->done);
  done(std::move(outcome));
}

void RedisPyClient::get_connection(Pool& pool, Target target, Then then) {
  ServerConnection& conn = *pool.conn;
  if (usable(conn)) return then(std::nullopt);
  // ConnectionPool.get_connection: can_read on a connection the server closed raises, and the
  // pool reconnects it before handing it out.
  conn.disconnect();
  connect_pool(pool, target, std::move(then));
}

void RedisPyClient::connect_pool(Pool& pool, Target target, Then then) {
  if (!sentinel_mode()) {
    const sim::Address& addr =
        target == Target::kReplica && options_.read_server ? *options_.read_server
                                                           : *options_.server;
    return connect_to(pool, addr, std::move(then));
  }
  if (target == Target::kMaster) {
    discover_master(0, [this, &pool, then = std::move(then)](std::optional<sim::Address> addr) {
      if (!addr) {
        return then(Error{fmt::format("MasterNotFoundError: No master found for '{}'",
                                      options_.master_name),
                          true, false, false});
      }
      pool.master_address = addr;
      connect_to(pool, *addr, then);
    });
    return;
  }
  discover_slaves(0, [this, &pool, then = std::move(then)](std::vector<sim::Address> slaves) {
    auto candidates = std::make_shared<std::vector<sim::Address>>();
    if (!slaves.empty()) {
      // rotate_slaves: round-robin over the list from a random start.
      if (!pool.rr_counter) pool.rr_counter = env_.rng("slave-rr").uniform(0, slaves.size() - 1);
      for (size_t i = 0; i < slaves.size(); ++i) {
        *pool.rr_counter = (*pool.rr_counter + 1) % slaves.size();
        candidates->push_back(slaves[*pool.rr_counter]);
      }
    }
    connect_replica(pool, candidates, 0, then);
  });
}

void RedisPyClient::connect_replica(Pool& pool,
                                    std::shared_ptr<std::vector<sim::Address>> candidates,
                                    size_t tried, Then then) {
  if (tried == candidates->size()) {
    // The fallback of rotate_slaves: the master, then SlaveNotFoundError.
    discover_master(0, [this, &pool, then](std::optional<sim::Address> addr) {
      if (!addr) {
        return then(Error{fmt::format("SlaveNotFoundError: No slave found for '{}'",
                                      options_.master_name),
                          true, false, false});
      }
      connect_to(pool, *addr, then);
    });
    return;
  }
  connect_to(pool, (*candidates)[tried],
             [this, &pool, candidates, tried, then](std::optional<Error> error) {
               // A refused replica is skipped (ConnectionError); a timeout is raised.
               if (error && !error->timeout) {
                 return connect_replica(pool, candidates, tried + 1, then);
               }
               then(std::move(error));
             });
}

void RedisPyClient::connect_to(Pool& pool, const sim::Address& addr, Then then) {
  pool.conn->connect(addr, options_.connect_timeout,
                     [this, addr, then = std::move(then)](CallResult& r) {
                       if (r.ok()) return then(std::nullopt);
                       then(connection_error(r.failure, addr, false));
                     });
}

void RedisPyClient::ask_sentinel(size_t index, std::vector<std::string> argv,
                                 std::function<void(const RespValue*)> then) {
  SentinelClient& s = sentinels_[index];
  auto send = [this, index, argv = std::move(argv), then]() {
    ServerConnection& conn = *sentinels_[index].conn;
    conn.call(argv, options_.sentinel_timeout, [&conn, then](CallResult& r) {
      if (!r.ok()) {
        conn.disconnect();
        return then(nullptr);
      }
      then(&r.reply);
    });
  };
  if (s.conn->connected() && s.conn->gone() == ConnFailure::kNone) return send();
  s.conn->disconnect();
  s.conn->connect(s.addr, options_.sentinel_timeout, [send, then](CallResult& r) {
    if (!r.ok()) return then(nullptr);
    send();
  });
}

void RedisPyClient::discover_master(size_t index,
                                    std::function<void(std::optional<sim::Address>)> then) {
  if (index == sentinels_.size()) return then(std::nullopt);
  ask_sentinel(index, {"SENTINEL", "MASTERS"},
               [this, index, then](const RespValue* reply) {
                 if (reply && !reply->is_error()) {
                   for (const RespValue& entry : reply->elements) {
                     if (field(entry, "name") != options_.master_name) continue;
                     std::string_view flags = field(entry, "flags");
                     // check_master_state (min_other_sentinels 0)
                     if (!has_flag(flags, "master") || has_flag(flags, "s_down") ||
                         has_flag(flags, "o_down")) {
                       break;
                     }
                     std::optional<sim::Address> addr = entry_address(entry);
                     if (!addr) break;
                     std::swap(sentinels_[0], sentinels_[index]);
                     return then(addr);
                   }
                 }
                 discover_master(index + 1, then);
               });
}

void RedisPyClient::discover_slaves(size_t index,
                                    std::function<void(std::vector<sim::Address>)> then) {
  if (index == sentinels_.size()) return then({});
  ask_sentinel(index, {"SENTINEL", "SLAVES", options_.master_name},
               [this, index, then](const RespValue* reply) {
                 std::vector<sim::Address> alive;  // filter_slaves
                 if (reply && !reply->is_error()) {
                   for (const RespValue& entry : reply->elements) {
                     std::string_view flags = field(entry, "flags");
                     if (has_flag(flags, "s_down") || has_flag(flags, "o_down")) continue;
                     if (std::optional<sim::Address> addr = entry_address(entry)) {
                       alive.push_back(*addr);
                     }
                   }
                 }
                 if (!alive.empty()) return then(std::move(alive));
                 discover_slaves(index + 1, then);
               });
}

}  // namespace model
