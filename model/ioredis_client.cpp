#include "model/ioredis_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <deque>
#include <functional>
#include <optional>

#include "model/sentinel_reply.h"

namespace model {
namespace {

// RedisOptions.js defaults.
constexpr int kMaxRetriesPerRequest = 20;
sim::Duration retry_strategy(int times) {  // retryStrategy: min(times * 50, 2000)
  return sim::Duration::millis(std::min(times * 50, 2000));
}
sim::Duration sentinel_retry_strategy(int times) {  // sentinelRetryStrategy: min(times * 10, 1000)
  return sim::Duration::millis(std::min(times * 10, 1000));
}
constexpr sim::Duration kMaxLoadingRetryTime = sim::Duration::millis(10000);

// utils CONNECTION_CLOSED_ERROR_MSG: how a command on a closed connection without retries
// (connectToSentinel's retryStrategy null) fails.
constexpr std::string_view kConnectionClosed = "Connection is closed.";

// Node's message for a failed socket, as the stream's 'error' event carries it; an EOF is a
// plain 'close' without one.
std::string socket_error(ConnFailure failure, const sim::Address& addr) {
  switch (failure) {
    case ConnFailure::kRefused:
      return fmt::format("Error: connect ECONNREFUSED {}", addr.to_string());
    case ConnFailure::kConnectTimeout: return "Error: connect ETIMEDOUT";  // Redis.js _connect
    case ConnFailure::kReset: return "Error: read ECONNRESET";
    case ConnFailure::kReadTimeout:     // never: no socket timeout is set
    case ConnFailure::kClosedByServer:
    case ConnFailure::kNone: break;
  }
  return {};
}

// A field of INFO's text as _readyCheck reads it: "name:value" lines split at ':'.
std::string_view info_field(std::string_view info, std::string_view name) {
  size_t start = 0;
  while (start < info.size()) {
    size_t end = info.find("\r\n", start);
    if (end == std::string_view::npos) end = info.size();
    std::string_view line = info.substr(start, end - start);
    if (line.size() > name.size() && line.starts_with(name) && line[name.size()] == ':') {
      return line.substr(name.size() + 1);
    }
    start = end + 2;
  }
  return {};
}

// _readyCheck on a server still loading its data: when to ask again,
// min(maxLoadingRetryTime, (loading_eta_seconds || 1) * 1000) ms; nullopt once loaded.
std::optional<sim::Duration> loading_retry(std::string_view info) {
  std::string_view loading = info_field(info, "loading");
  if (loading.empty() || loading == "0") return std::nullopt;
  int64_t eta = 1;
  std::string_view eta_text = info_field(info, "loading_eta_seconds");
  if (!eta_text.empty()) std::from_chars(eta_text.data(), eta_text.data() + eta_text.size(), eta);
  return std::min(kMaxLoadingRetryTime, sim::Duration::seconds(eta));
}

// Command.js: one call, from sendCommand until its promise settles.
struct Command {
  std::vector<std::string> argv;
  ClientLibrary::Done done;  // empty once settled
  bool written = false;      // written to a socket at least once: its fate may be unknown
  sim::TimerId timeout;      // commandTimeout
};
using CommandPtr = std::shared_ptr<Command>;
using Queue = std::deque<CommandPtr>;

// Why a command to a sentinel rejected: its connection closed, or an error reply.
std::optional<std::string> rejection(const CallResult& r) {
  if (!r.ok()) return std::string(kConnectionClosed);
  if (r.reply.is_error()) return r.reply.str;
  return std::nullopt;
}

}  // namespace

class IoredisClient::Instance {
 public:
  Instance(sim::Env& env, ClientSockets& sockets, const LibraryOptions& options, Target role)
      : env_(env),
        options_(options),
        role_(role == Target::kMaster ? "master" : "slave"),
        stream_(env, sockets),
        sentinel_(env, sockets),
        sentinels_(options.sentinels) {}

  // Redis.sendCommand: written when the connection is ready, else into the offline queue.
  void send_command(CommandPtr command) {
    if (options_.command_timeout) {
      command->timeout = env_.after(*options_.command_timeout, [this, command] {
        settle(command, {Outcome::Result::kTimeout, {}, "Error: Command timed out", {}});
      });
    }
    if (status_ == Status::kWait) connect();
    // The 'close' event of a connection the server closed while idle (see the header).
    if (status_ == Status::kReady && stream_.gone() != ConnFailure::kNone) {
      stream_closed(stream_.gone());
    }
    if (status_ != Status::kReady) return offline_queue_.push_back(std::move(command));
    write(std::move(command));
  }

 private:
  enum class Status : uint8_t { kWait, kConnecting, kConnect, kReady, kReconnecting };
  using Resolved = std::function<void(std::optional<sim::Address>, std::string error)>;

  void write(CommandPtr command) {
    command->written = true;
    command_queue_->push_back(command);
    stream_.call(command->argv, std::nullopt,
                 [this, epoch = connection_epoch_, command](CallResult& r) {
                   if (!r.ok()) return stream_failed(epoch, r.failure);
                   // DataHandler: each reply settles the oldest command in flight.
                   assert(command_queue_->front() == command);
                   command_queue_->pop_front();
                   if (r.reply.is_error()) return reply_error(command, r.reply.str);
                   settle(command, {Outcome::Result::kOk, std::move(r.reply), {}, {}});
                 });
  }

  // Redis.handleReconnection: reconnectOnError decides; by default the caller gets the error.
  void reply_error(const CommandPtr& command, const std::string& text) {
    Outcome error{Outcome::Result::kError, {}, "ReplyError: " + text, {}};
    ReconnectOnError action = text.find("READONLY") != std::string::npos
                                  ? options_.reconnect_on_readonly
                                  : ReconnectOnError::kNone;
    switch (action) {
      case ReconnectOnError::kNone:
        return settle(command, std::move(error));
      case ReconnectOnError::kReconnect:
        stream_closed(ConnFailure::kNone);  // disconnect(true)
        return settle(command, std::move(error));
      case ReconnectOnError::kResend:
        // The ended stream is not writable: sendCommand queues the command offline.
        offline_queue_.push_back(command);
        return stream_closed(ConnFailure::kNone);
    }
  }

  void settle(const CommandPtr& command, Outcome outcome) {
    if (!command->done) return;
    env_.cancel(command->timeout);
    outcome.server = server_;
    ClientLibrary::Done done = std::move(command->done);
    command->done = nullptr;
    done(std::move(outcome));
  }

  // A rejection from flushQueue: a command written before may have been applied.
  void reject(const CommandPtr& command, const std::string& text) {
    settle(command, {command->written ? Outcome::Result::kUnknown : Outcome::Result::kError, {},
                     text, {}});
  }

  // Redis.flushQueue: the offline queue, then the commands in flight.
  void flush_queue(const std::string& text) {
    Queue offline = std::exchange(offline_queue_, {});
    for (const CommandPtr& c : offline) reject(c, text);
    Queue in_flight = std::exchange(*command_queue_, {});
    for (const CommandPtr& c : in_flight) reject(c, text);
  }

  // Redis.connect, then SentinelConnector.connect.
  void connect() {
    ++connection_epoch_;
    status_ = Status::kConnecting;
    sentinel_retry_attempts_ = 0;
    last_sentinel_error_.clear();
    connect_to_next();
  }

  void connect_to_next() {
    if (cursor_ >= sentinels_.size()) {
      cursor_ = 0;  // sentinelIterator.reset(false)
      sim::Duration delay = sentinel_retry_strategy(++sentinel_retry_attempts_);
      std::string text = fmt::format(
          "Error: All sentinels are unreachable. Retrying from scratch after {}ms.", delay.ms());
      if (!last_sentinel_error_.empty()) text += " Last error: " + last_sentinel_error_;
      emit_error(text);
      env_.after(delay, [this] { connect_to_next(); });
      return;
    }
    sim::Address endpoint = sentinels_[cursor_++];
    resolve(endpoint, [this](std::optional<sim::Address> addr, std::string error) {
      if (!addr) {
        if (!error.empty()) last_sentinel_error_ = std::move(error);
        return connect_to_next();
      }
      open_stream(*addr);
    });
  }

  // SentinelConnector.resolve: a short-lived connection to one sentinel (connectToSentinel:
  // connectTimeout, no retry, no ready check), closed once answered.
  void resolve(const sim::Address& endpoint, Resolved then) {
    sentinel_.connect(endpoint, options_.connect_timeout, [this, then](CallResult& r) {
      if (!r.ok()) return then(std::nullopt, std::string(kConnectionClosed));
      if (role_ == "master") return resolve_master(then);
      resolve_slave(then);
    });
  }

  void finish_resolve(const Resolved& then, std::optional<sim::Address> addr, std::string error) {
    sentinel_.disconnect();
    then(std::move(addr), std::move(error));
  }

  // resolveMaster: get-master-addr-by-name, then updateSentinels, which must succeed too.
  void resolve_master(const Resolved& then) {
    sentinel_.call({"SENTINEL", "get-master-addr-by-name", options_.master_name}, std::nullopt,
                   [this, then](CallResult& r) {
                     if (auto error = rejection(r)) return finish_resolve(then, {}, *error);
                     std::optional<sim::Address> master = sentinel_reply::master_address(r.reply);
                     update_sentinels(then, master);
                   });
  }

  // updateSentinels: the sentinels this one knows that are not flagged disconnected join the
  // end of the list.
  void update_sentinels(const Resolved& then, std::optional<sim::Address> master) {
    sentinel_.call({"SENTINEL", "sentinels", options_.master_name}, std::nullopt,
                   [this, then, master](CallResult& r) {
                     if (auto error = rejection(r)) return finish_resolve(then, {}, *error);
                     for (const RespValue& entry : r.reply.elements) {
                       if (sentinel_reply::has_flag(sentinel_reply::field(entry, "flags"),
                                                    "disconnected")) {
                         continue;
                       }
                       std::optional<sim::Address> addr = sentinel_reply::entry_address(entry);
                       if (addr && std::ranges::find(sentinels_, *addr) == sentinels_.end()) {
                         sentinels_.push_back(*addr);
                       }
                     }
                     finish_resolve(then, master, {});
                   });
  }

  // resolveSlave: the replicas whose flags do not match /(disconnected|s_down|o_down)/, one
  // drawn at random (utils sample); none: no address.
  void resolve_slave(const Resolved& then) {
    sentinel_.call(
        {"SENTINEL", "slaves", options_.master_name}, std::nullopt, [this, then](CallResult& r) {
          if (auto error = rejection(r)) return finish_resolve(then, {}, *error);
          std::vector<sim::Address> available;
          for (const RespValue& entry : r.reply.elements) {
            std::string_view flags = sentinel_reply::field(entry, "flags");
            if (flags.empty() || flags.find("disconnected") != std::string_view::npos ||
                flags.find("s_down") != std::string_view::npos ||
                flags.find("o_down") != std::string_view::npos) {
              continue;
            }
            if (auto addr = sentinel_reply::entry_address(entry)) available.push_back(*addr);
          }
          if (available.empty()) return finish_resolve(then, {}, {});
          size_t pick = env_.rng("ioredis-slave").uniform(0, available.size() - 1);
          finish_resolve(then, available[pick], {});
        });
  }

  // net.createConnection(resolved), bounded by connectTimeout (Redis._connect).
  void open_stream(const sim::Address& addr) {
    server_ = addr;
    stream_.connect(addr, options_.connect_timeout, [this](CallResult& r) {
      if (!r.ok()) return stream_closed(r.failure);
      // connectHandler
      status_ = Status::kConnect;
      command_queue_ = std::make_shared<Queue>();
      ready_check();
    });
  }

  // _readyCheck: INFO; then connector.check compares its role with the wanted one.
  void ready_check() {
    stream_.call({"INFO"}, std::nullopt, [this, epoch = connection_epoch_](CallResult& r) {
      if (!r.ok()) return stream_failed(epoch, r.failure);
      if (r.reply.is_error()) {  // recoverFromFatalError
        std::string error = "Error: Ready check failed: " + r.reply.str;
        flush_queue(error);
        emit_error(error);
        return stream_closed(ConnFailure::kNone);
      }
      std::string_view info = r.reply.str;
      if (std::optional<sim::Duration> retry = loading_retry(info)) {
        env_.after(*retry, [this, epoch] {
          if (epoch == connection_epoch_ && status_ == Status::kConnect) ready_check();
        });
        return;
      }
      std::string_view role = info_field(info, "role");
      if (!role.empty() && role != role_) {
        // SentinelConnector.check: "Start from the next item": next(), next(), reset(true).
        advance_cursor();
        advance_cursor();
        move_current_to_front();
        return stream_closed(ConnFailure::kNone);  // disconnect(true)
      }
      on_ready();
    });
  }

  // SentinelIterator.next moves the cursor up to the end of the list.
  void advance_cursor() {
    if (cursor_ < sentinels_.size()) ++cursor_;
  }
  // SentinelIterator.reset(true): the entries from cursor - 1 on go to the front, in order.
  void move_current_to_front() {
    if (sentinels_.size() > 1 && cursor_ > 1) {
      std::rotate(sentinels_.begin(), sentinels_.begin() + static_cast<ptrdiff_t>(cursor_ - 1),
                  sentinels_.end());
    }
    cursor_ = 0;
  }

  // readyHandler: the commands in flight at the last close, then the offline queue.
  void on_ready() {
    status_ = Status::kReady;
    retry_attempts_ = 0;
    if (prev_command_queue_) {
      Queue resend = std::exchange(*prev_command_queue_, {});
      prev_command_queue_.reset();
      for (CommandPtr& c : resend) write(std::move(c));
    }
    Queue offline = std::exchange(offline_queue_, {});
    for (CommandPtr& c : offline) write(std::move(c));
  }

  // A failure reported by a call on the stream of `epoch`: the first one closes it.
  void stream_failed(uint64_t epoch, ConnFailure failure) {
    if (epoch == connection_epoch_ && (status_ == Status::kConnect || status_ == Status::kReady)) {
      stream_closed(failure);
    }
  }

  // The stream's 'error' event (if any), then closeHandler.
  void stream_closed(ConnFailure failure) {
    emit_error(socket_error(failure, server_));
    stream_.disconnect();
    if (status_ == Status::kReady && !command_queue_->empty()) {
      prev_command_queue_ = command_queue_;
    }
    status_ = Status::kReconnecting;
    ++retry_attempts_;
    env_.after(retry_strategy(retry_attempts_), [this] { connect(); });
    if (retry_attempts_ % (kMaxRetriesPerRequest + 1) == 0) {
      // MaxRetriesPerRequestError; the commands in flight are flushed only while the queue
      // they were written to is still the current one (no connection since).
      flush_queue(fmt::format("MaxRetriesPerRequestError: Reached the max retries per request "
                              "limit (which is {}). Refer to \"maxRetriesPerRequest\" option "
                              "for details.",
                              kMaxRetriesPerRequest));
    }
  }

  // An 'error' event. With no listener ioredis prints each one; a repeat of the previous one
  // is left out of the trace.
  void emit_error(const std::string& text) {
    if (text.empty() || text == last_error_) return;
    last_error_ = text;
    env_.trace("client", '-', "error", fmt::format("[ioredis] Unhandled error event: {}", text));
  }

  sim::Env& env_;
  const LibraryOptions& options_;
  std::string_view role_;      // the role INFO must report: "master" or "slave"
  Status status_ = Status::kWait;
  ServerConnection stream_;    // to the resolved server
  ServerConnection sentinel_;  // connectToSentinel's client, one at a time
  sim::Address server_;        // the last resolved address
  // SentinelIterator
  std::vector<sim::Address> sentinels_;
  size_t cursor_ = 0;
  int sentinel_retry_attempts_ = 0;  // SentinelConnector.retryAttempts
  std::string last_sentinel_error_;
  int retry_attempts_ = 0;        // Redis.retryAttempts
  uint64_t connection_epoch_ = 0;  // Redis.connectionEpoch: one per connect()
  Queue offline_queue_;
  std::shared_ptr<Queue> command_queue_ = std::make_shared<Queue>();
  std::shared_ptr<Queue> prev_command_queue_;  // may be command_queue_ itself until a connect
  std::string last_error_;
};

IoredisClient::IoredisClient(sim::Env& env, ClientSockets& sockets, LibraryOptions options)
    : env_(env), sockets_(sockets), options_(std::move(options)) {}

IoredisClient::~IoredisClient() = default;

void IoredisClient::execute(std::vector<std::string> argv, Target target, Done done) {
  std::unique_ptr<Instance>& instance = target == Target::kMaster ? master_ : replica_;
  if (!instance) instance = std::make_unique<Instance>(env_, sockets_, options_, target);
  auto command = std::make_shared<Command>();
  command->argv = std::move(argv);
  command->done = std::move(done);
  instance->send_command(std::move(command));
}

}  // namespace model
