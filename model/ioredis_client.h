// ioredis 5 (5.11.1; paths are the npm package's built/ files): `new Redis({sentinels, name,
// role})`, one instance per role, created on the first call for that role (as with
// lazyConnect: true; without it ioredis would connect at construction).
// - SentinelConnector.connect (connectors/SentinelConnector/index.js): the sentinels from the
//   iterator's cursor on; each on a short-lived connection (connectTimeout, no command timeout,
//   no retry): `SENTINEL get-master-addr-by-name`, then `SENTINEL sentinels` whose entries not
//   flagged disconnected are appended (updateSentinels); role "slave": `SENTINEL slaves`
//   without the entries whose flags match /(disconnected|s_down|o_down)/, one at random. No
//   address (null, error, connection failure): the next sentinel; past the last one the cursor
//   goes back to 0 after sentinelRetryStrategy(attempt) = min(attempt * 10, 1000) ms. The
//   cursor is not rewound after a success: a reconnect asks the sentinel after the one that
//   answered last (SentinelIterator.js).
// - connectHandler / _readyCheck (redis/event_handler.js, Redis.js): once connected, INFO; a
//   `role:` other than the wanted one (connector.check) moves the cursor on and disconnects;
//   `loading:1` asks again later; an error reply fails every queued command ("Ready check
//   failed") and reconnects.
// - closeHandler: any connection loss reconnects after retryStrategy(attempts) =
//   min(attempts * 50, 2000) ms, resolving through Sentinel again. Commands wait in the offline
//   queue while the connection is not ready; commands in flight when a ready connection closes
//   are sent again once ready (autoResendUnfulfilledCommands). Every 21st attempt in a row
//   fails the queued commands with MaxRetriesPerRequestError (maxRetriesPerRequest 20).
// - Error replies go to the caller as ReplyError; reconnectOnError (none by default) may
//   reconnect on READONLY and resend. commandTimeout (none by default) rejects a command's
//   promise without taking it out of the queues.
// - Connection errors are 'error' events, not command failures: each new one is traced as
//   ioredis prints it when the application has no 'error' listener.
// Left out: failoverDetector (default false: no +switch-master subscription), natMap,
// preferredSlaves, TLS, AUTH / SELECT, the CLIENT SETINFO calls before the ready check (Redis
// 7.0 rejects them and ioredis ignores that), Sentinel's own commandTimeout. The simulated
// connection reports a close while no command is pending only when it is next used, so an
// idle connection's loss starts the reconnect at the next command rather than at once.
#pragma once

#include <memory>
#include <vector>

#include "model/client_library.h"

namespace model {

class IoredisClient final : public ClientLibrary {
 public:
  // REQUIRES: options.sentinels is not empty (ioredis: "Requires at least one sentinel").
  IoredisClient(sim::Env& env, ClientSockets& sockets, LibraryOptions options);
  ~IoredisClient() override;
  void execute(std::vector<std::string> argv, Target target, Done done) override;

 private:
  class Instance;  // one `new Redis(...)`: its connection, queues and SentinelConnector

  sim::Env& env_;
  ClientSockets& sockets_;
  LibraryOptions options_;
  std::unique_ptr<Instance> master_;   // role "master"
  std::unique_ptr<Instance> replica_;  // role "slave"
};

}  // namespace model
