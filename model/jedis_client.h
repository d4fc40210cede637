// Jedis 4.x / 5.x: `new JedisSentinelPool(masterName, sentinels)` with the default
// GenericObjectPoolConfig (no validation on borrow), read at tag v5.2.0
// (src/main/java/redis/clients/jedis/JedisSentinelPool.java, Protocol.java,
// DefaultJedisSocketFactory.java, util/RedisInputStream.java):
// - initSentinels: the sentinels in the iteration order of the HashSet<HostAndPort> Jedis makes
//   of them, each on its own connection: the first valid `SENTINEL get-master-addr-by-name`
//   reply is the master. None: the constructor throws (JedisConnectionException "All sentinels
//   down, ..." or JedisException "Can connect to sentinel, but <name> seems to be not
//   monitored..."); here the calls waiting for the pool fail with it, and the application
//   builds the pool again at its next call.
// - one MasterListener per sentinel once the master is known: connect, re-read
//   get-master-addr-by-name, SUBSCRIBE +switch-master; a message whose first word is the
//   master's name moves the pool to words 4 and 5. Any JedisException: sleep 5000 ms, repeat.
// - initMaster: a new address clears the idle pooled connections; getResource discards a
//   borrowed connection whose address is not the current master.
// - errors go to the caller, no retry: error replies as JedisDataException (or the subclass
//   Protocol.processError picks by prefix), READONLY included; socket failures as
//   JedisConnectionException. A pooled connection the server closed while idle fails the
//   next command (no testOnBorrow).
// - reads: JedisSentinelPool only hands out master connections, so Target kReplica reads go to
//   the master too.
// Timeouts: Jedis's defaults are 2000 ms (Protocol.DEFAULT_TIMEOUT) for connectionTimeout and
// soTimeout, and for the sentinels' connections; the scenario's connect_timeout,
// socket_timeout and sentinel_timeout override them. While subscribed the listener waits
// without a timeout (setTimeoutInfinite).
// Left out: the CLIENT SETINFO calls of 5.x on connect (Redis 7.0 rejects them; Jedis ignores
// that), AUTH / SELECT / client names, pool sizing (one call at a time needs one connection).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/client_library.h"

namespace model {

class JedisClient final : public ClientLibrary {
 public:
  JedisClient(sim::Env& env, ClientSockets& sockets, LibraryOptions options);
  ~JedisClient() override;
  void execute(std::vector<std::string> argv, Target target, Done done) override;

 private:
  struct Call;
  class MasterListener;
  using CallPtr = std::shared_ptr<Call>;

  void init_pool();  // the constructor's initSentinels, then initMaster
  void init_sentinels(size_t index, bool sentinel_available);
  void pool_ready(const sim::Address& master);
  void pool_failed(const std::string& error);
  void init_master(const sim::Address& master);
  void get_resource(const CallPtr& call);
  void send(const CallPtr& call);
  void finish(const CallPtr& call, Outcome outcome);

  sim::Env& env_;
  ClientSockets& sockets_;
  LibraryOptions options_;
  std::vector<sim::Address> sentinels_;       // in Jedis's iteration order
  std::optional<sim::Address> current_master_;  // currentHostMaster
  bool initializing_ = false;
  std::vector<CallPtr> waiting_;                // calls made while the pool is being built
  ServerConnection init_conn_;  // initSentinels' connection to one sentinel
  ServerConnection pooled_;     // the pool's one connection, idle or borrowed
  bool borrowed_ = false;
  std::vector<std::unique_ptr<MasterListener>> listeners_;
};

}  // namespace model
