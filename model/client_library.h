// What a sentinel-aware (or plain) client library does with one user call: where it sends the
// command, how it finds that place, and what the caller gets back. Each library of
// ../shared/spec/clients.md is one implementation, modelled on a named version.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/client_connection.h"
#include "sim/address.h"
#include "sim/time.h"

namespace model {

// What the caller of the library sees for one command.
struct Outcome {
  enum class Result : uint8_t {
    kOk,       // a reply that is not an error
    kError,    // an error reply, or a failure before the command left the client: not applied
    kTimeout,  // sent, no reply within the socket timeout: may or may not have been applied
    kUnknown,  // sent, then the connection broke before the reply: may or may not have been
  };
  Result result = Result::kOk;
  RespValue reply;    // kOk
  std::string error;  // otherwise: the exception as the library raises it, "Class: message"
  // The server the command went to (or was about to go to); port 0 when none was known.
  sim::Address server;
};

// Which servers a call is for.
enum class Target : uint8_t { kMaster, kReplica };

// ioredis's reconnectOnError(err) return values (Redis.handleReconnection).
enum class ReconnectOnError : uint8_t {
  kNone,       // null / false: the error goes to the caller
  kReconnect,  // true or 1: reconnect, and the error goes to the caller
  kResend,     // 2: reconnect, and the command is sent again once connected
};

struct LibraryOptions {
  std::string master_name;                   // the monitored master's name (sentinel-aware kinds)
  std::vector<sim::Address> sentinels;       // in the order the application lists them
  std::optional<sim::Address> server;        // pinned: the one address
  std::optional<sim::Address> read_server;   // pinned: where reads go (default: server)
  sim::Duration socket_timeout = sim::Duration::millis(200);
  sim::Duration connect_timeout = sim::Duration::millis(200);
  sim::Duration sentinel_timeout = sim::Duration::millis(100);  // redis-py: socket_timeout 0.1
  // redis-py: Retry(ExponentialWithJitterBackoff(base, cap), retries) on connection and timeout
  // errors (5.x and later); 0 retries is 4.x's fail-fast default, as in the reference runs.
  int retries = 0;
  sim::Duration backoff_base = sim::Duration::millis(1000);
  sim::Duration backoff_cap = sim::Duration::millis(10000);
  // ioredis: commandTimeout, after which a command's promise rejects with "Command timed out"
  // (the command stays queued or in flight); none by default.
  std::optional<sim::Duration> command_timeout;
  // ioredis: what a reconnectOnError that recognises READONLY returns (none by default).
  ReconnectOnError reconnect_on_readonly = ReconnectOnError::kNone;
};

class ClientLibrary {
 public:
  using Done = std::function<void(Outcome)>;
  virtual ~ClientLibrary() = default;
  // Runs one command as the library's blocking call would and reports what the caller gets.
  // One call at a time: the workload waits for `done` before the next.
  virtual void execute(std::vector<std::string> argv, Target target, Done done) = 0;
};

// The library kinds a scenario can name.
enum class LibraryKind : uint8_t {
  kPinned,
  kRedisPy,
  kIoredis,  // ioredis 5: new Redis({sentinels, name, role})
  kJedis,    // Jedis 4.x / 5.x: JedisSentinelPool
};

std::unique_ptr<ClientLibrary> make_library(LibraryKind kind, sim::Env& env,
                                            ClientSockets& sockets, const LibraryOptions& options);

}  // namespace model
