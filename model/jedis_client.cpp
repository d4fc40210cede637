#include "model/jedis_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "model/sentinel_reply.h"

namespace model {
namespace {

// MasterListener.subscribeRetryWaitTimeMillis
constexpr sim::Duration kSubscribeRetryWait = sim::Duration::millis(5000);

// The iteration order of the HashSet<HostAndPort> Jedis builds from the sentinels
// (parseHostAndPorts: Collectors.toSet()): by bucket, HashMap.hash(h) & (capacity - 1) with
// h = 31 * host.hashCode() + port (HostAndPort.hashCode); one bucket's entries in insertion
// order, taken to be the order the application lists them.
std::vector<sim::Address> hash_set_order(std::vector<sim::Address> sentinels) {
  uint32_t capacity = 16;  // HashMap's default, doubled once the size passes 3/4 of it
  while (sentinels.size() * 4 > capacity * 3) capacity *= 2;
  auto bucket = [capacity](const sim::Address& a) {
    uint32_t h = 0;  // String.hashCode, in 32-bit arithmetic
    for (char c : a.host) h = 31 * h + static_cast<uint8_t>(c);
    h = 31 * h + a.port;
    return (h ^ (h >> 16)) & (capacity - 1);  // HashMap.hash spreads the high bits down
  };
  std::ranges::stable_sort(sentinels, {}, bucket);
  return sentinels;
}

// Protocol.processError: the exception an error reply raises, picked by prefix.
std::string error_reply_text(std::string_view reply) {
  struct Prefix {
    std::string_view prefix, exception;
  };
  static constexpr Prefix kPrefixes[] = {
      {"MOVED ", "JedisMovedDataException"},   {"ASK ", "JedisAskDataException"},
      {"CLUSTERDOWN ", "JedisClusterException"}, {"BUSY ", "JedisBusyException"},
      {"NOSCRIPT ", "JedisNoScriptException"},  {"NOAUTH", "JedisAccessControlException"},
      {"WRONGPASS", "JedisAccessControlException"},
      {"NOPERM", "JedisAccessControlException"},
  };
  for (const Prefix& p : kPrefixes) {
    if (reply.starts_with(p.prefix)) return fmt::format("{}: {}", p.exception, reply);
  }
  return fmt::format("JedisDataException: {}", reply);
}

// A socket failure on a command as Jedis words it (RedisInputStream.ensureFill wraps the
// IOException, whose toString names its class).
Outcome command_failure(ConnFailure failure, const sim::Address& server) {
  switch (failure) {
    case ConnFailure::kReadTimeout:
      return {Outcome::Result::kTimeout, {},
              "JedisConnectionException: java.net.SocketTimeoutException: Read timed out", server};
    case ConnFailure::kReset:
      return {Outcome::Result::kUnknown, {},
              "JedisConnectionException: java.net.SocketException: Connection reset", server};
    case ConnFailure::kClosedByServer:
    case ConnFailure::kRefused:  // connect failures are reported by get_resource
    case ConnFailure::kConnectTimeout:
    case ConnFailure::kNone:
      break;
  }
  return {Outcome::Result::kUnknown, {}, "JedisConnectionException: Unexpected end of stream.",
          server};
}

}  // namespace

struct JedisClient::Call {
  std::vector<std::string> argv;
  Done done;
};

// One MasterListener thread: its loop, as callbacks.
class JedisClient::MasterListener {
 public:
  MasterListener(JedisClient& pool, sim::Address sentinel)
      : pool_(pool), sentinel_(std::move(sentinel)), conn_(pool.env_, pool.sockets_) {
    run();
  }

 private:
  const LibraryOptions& options() const { return pool_.options_; }

  // new Jedis(hostPort, sentinelClientConfig), then the active refresh.
  void run() {
    conn_.connect(sentinel_, options().sentinel_timeout, [this](CallResult& connected) {
      if (!connected.ok()) return lost();
      conn_.call({"SENTINEL", "get-master-addr-by-name", options().master_name},
                 options().sentinel_timeout, [this](CallResult& r) {
                   if (!r.ok() || r.reply.is_error()) return lost();
                   // A null reply is only logged ("Can not get master addr").
                   if (auto master = sentinel_reply::master_address(r.reply)) {
                     pool_.init_master(*master);
                   }
                   subscribe();
                 });
    });
  }

  void subscribe() {
    conn_.call({"SUBSCRIBE", "+switch-master"}, std::nullopt, [this](CallResult& r) {
      if (!r.ok()) return lost();
      await_message();
    });
  }

  // The next message of the subscription, waited for without a timeout (JedisPubSub.proceed:
  // setTimeoutInfinite while subscribed).
  void await_message() {
    conn_.await_reply([this](CallResult& r) {
      if (!r.ok()) return lost();
      const std::vector<RespValue>& m = r.reply.elements;
      if (m.size() == 3 && m[0].str == "message") on_message(m[2].str);
      await_message();
    });
  }

  // onMessage: "<name> <old-ip> <old-port> <new-ip> <new-port>".
  void on_message(std::string_view message) {
    std::vector<std::string_view> words;
    for (size_t start = 0; start <= message.size();) {
      size_t end = std::min(message.find(' ', start), message.size());
      words.push_back(message.substr(start, end - start));
      start = end + 1;
    }
    if (words.size() < 5 || words[0] != options().master_name) return;
    if (auto master = sentinel_reply::parse_address(words[3], words[4])) {
      pool_.init_master(*master);
    }
  }

  // catch (JedisException): log, sleep 5000 ms, and go round the loop again.
  void lost() {
    conn_.disconnect();
    pool_.env_.trace("client", '-', "sentinel-lost",
                     fmt::format("Lost connection to Sentinel at {}. Sleeping 5000ms and "
                                 "retrying.",
                                 sentinel_.to_string()));
    pool_.env_.after(kSubscribeRetryWait, [this] { run(); });
  }

  JedisClient& pool_;
  sim::Address sentinel_;
  ServerConnection conn_;
};

JedisClient::JedisClient(sim::Env& env, ClientSockets& sockets, LibraryOptions options)
    : env_(env),
      sockets_(sockets),
      options_(std::move(options)),
      sentinels_(hash_set_order(options_.sentinels)),
      init_conn_(env_, sockets_),
      pooled_(env_, sockets_) {
  init_pool();
}

JedisClient::~JedisClient() = default;

void JedisClient::execute(std::vector<std::string> argv, Target /*target: always the master*/,
                          Done done) {
  auto call = std::make_shared<Call>(Call{std::move(argv), std::move(done)});
  if (current_master_) return get_resource(call);
  // The application is still building the pool (or builds it again after it threw).
  waiting_.push_back(call);
  if (!initializing_) init_pool();
}

void JedisClient::init_pool() {
  initializing_ = true;
  init_sentinels(0, false);
}

// initSentinels: one sentinel after the other; an exception or a reply that is not [ip, port]
// moves on to the next.
void JedisClient::init_sentinels(size_t index, bool sentinel_available) {
  if (index == sentinels_.size()) {
    return pool_failed(
        sentinel_available
            ? fmt::format("JedisException: Can connect to sentinel, but {} seems to be not "
                          "monitored...",
                          options_.master_name)
            : fmt::format("JedisConnectionException: All sentinels down, cannot determine "
                          "where is {} master is running...",
                          options_.master_name));
  }
  init_conn_.connect(
      sentinels_[index], options_.sentinel_timeout,
      [this, index, sentinel_available](CallResult& connected) {
        if (!connected.ok()) return init_sentinels(index + 1, sentinel_available);
        init_conn_.call({"SENTINEL", "get-master-addr-by-name", options_.master_name},
                         options_.sentinel_timeout,
                         [this, index, sentinel_available](CallResult& r) {
                           init_conn_.disconnect();  // try-with-resources: jedis.close()
                           if (!r.ok() || r.reply.is_error()) {
                             return init_sentinels(index + 1, sentinel_available);
                           }
                           std::optional<sim::Address> master =
                               sentinel_reply::master_address(r.reply);
                           if (!master) return init_sentinels(index + 1, true);
                           pool_ready(*master);
                         });
      });
}

void JedisClient::pool_ready(const sim::Address& master) {
  initializing_ = false;
  if (listeners_.empty()) {
    for (const sim::Address& s : sentinels_) {
      listeners_.push_back(std::make_unique<MasterListener>(*this, s));
    }
  }
  init_master(master);
  std::vector<CallPtr> waiting = std::exchange(waiting_, {});
  for (const CallPtr& call : waiting) get_resource(call);
}

void JedisClient::pool_failed(const std::string& error) {
  initializing_ = false;
  std::vector<CallPtr> waiting = std::exchange(waiting_, {});
  for (const CallPtr& call : waiting) finish(call, {Outcome::Result::kError, {}, error, {}});
}

// initMaster: a new address for the factory; the idle pooled connections are cleared (a
// borrowed one is checked when next borrowed).
void JedisClient::init_master(const sim::Address& master) {
  if (master == current_master_) return;
  current_master_ = master;
  if (!borrowed_) pooled_.disconnect();
  env_.trace("client", '-', "pool-master",
             fmt::format("Created JedisSentinelPool to master at {}", master.to_string()));
}

// getResource: the pooled connection unless it goes elsewhere than the current master
// (returnBrokenResource); else JedisFactory.makeObject connects a new one.
void JedisClient::get_resource(const CallPtr& call) {
  borrowed_ = true;
  if (pooled_.state() != ServerConnection::State::kDisconnected &&
      pooled_.address() != *current_master_) {
    pooled_.disconnect();
  }
  if (pooled_.connected()) return send(call);
  sim::Address master = *current_master_;
  pooled_.connect(master, options_.connect_timeout, [this, call, master](CallResult& r) {
    if (!r.ok()) {  // DefaultJedisSocketFactory.connectToFirstSuccessfulHost
      return finish(call, {Outcome::Result::kError, {},
                           fmt::format("JedisConnectionException: Failed to connect to {}.",
                                       master.to_string()),
                           master});
    }
    get_resource(call);  // the master may have moved while connecting
  });
}

void JedisClient::send(const CallPtr& call) {
  sim::Address server = pooled_.address();
  if (ConnFailure gone = pooled_.gone(); gone != ConnFailure::kNone) {
    // Closed by the server while idle in the pool: a reset socket fails the write, a closed
    // one the read; either way no server read the command.
    pooled_.disconnect();
    return finish(call, {Outcome::Result::kError, {},
                         gone == ConnFailure::kReset
                             ? "JedisConnectionException: java.net.SocketException: Broken "
                               "pipe (Write failed)"
                             : "JedisConnectionException: Unexpected end of stream.",
                         server});
  }
  pooled_.call(call->argv, options_.socket_timeout, [this, call, server](CallResult& r) {
    if (!r.ok()) {
      pooled_.disconnect();  // a broken connection leaves the pool
      return finish(call, command_failure(r.failure, server));
    }
    if (r.reply.is_error()) {
      return finish(call, {Outcome::Result::kError, {}, error_reply_text(r.reply.str), server});
    }
    finish(call, {Outcome::Result::kOk, std::move(r.reply), {}, server});
  });
}

// The call returns; its connection (if still open) goes back to the pool.
void JedisClient::finish(const CallPtr& call, Outcome outcome) {
  borrowed_ = false;
  Done done = std::move(call->done);
  done(std::move(outcome));
}

}  // namespace model
