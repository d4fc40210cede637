// One connection from a client library to a redis-server or a Sentinel, as the library's socket
// layer sees it: a connect bounded by the connect timeout, then commands sent in order, each
// reply awaited at most the socket timeout. Failures are reported as what the socket said
// (refused, timed out, closed, reset); each library words them its own way.
//
// A client process owns several of these (one per sentinel, one per server) and routes its
// socket events to them through a ClientSockets.
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/resp.h"
#include "sim/world.h"

namespace model {

enum class ConnFailure : uint8_t {
  kNone,
  kRefused,         // connect: ECONNREFUSED
  kConnectTimeout,  // connect: no answer within the connect timeout
  kReadTimeout,     // no reply within the socket timeout
  kClosedByServer,  // EOF: the server closed the connection (CLIENT KILL, QUIT, shutdown)
  kReset,           // ECONNRESET: the server crashed, or closed with our command unread
};

struct CallResult {
  ConnFailure failure = ConnFailure::kNone;
  RespValue reply;  // when failure is kNone
  bool ok() const { return failure == ConnFailure::kNone; }
};

class ServerConnection;

// The connections of one client process, found by socket.
class ClientSockets {
 public:
  void add(ServerConnection* c) { conns_.push_back(c); }
  void remove(ServerConnection* c);
  ServerConnection* find(sim::SocketId socket) const;

 private:
  std::vector<ServerConnection*> conns_;  // a handful per process: a linear search is enough
};

class ServerConnection {
 public:
  // The result is the connection's own: a callback that keeps the reply moves it out, and
  // one that only reads it leaves its storage for the next reply to be parsed into.
  using Done = std::function<void(CallResult&)>;
  enum class State : uint8_t { kDisconnected, kConnecting, kConnected };

  ServerConnection(sim::Env& env, ClientSockets& sockets);
  ~ServerConnection();
  ServerConnection(const ServerConnection&) = delete;
  ServerConnection& operator=(const ServerConnection&) = delete;

  // REQUIRES: state() == kDisconnected. `done` gets kNone once connected.
  void connect(const sim::Address& addr, sim::Duration timeout, Done done);
  // REQUIRES: state() == kConnected. Replies come back in order; no `timeout`: wait as long as
  // the connection lives (ioredis without commandTimeout, a subscriber).
  void call(const std::vector<std::string>& argv, std::optional<sim::Duration> timeout,
            Done done);
  // Waits for the next reply without sending anything: a pushed pub/sub message.
  void await_reply(Done done);
  // Closes the socket; calls still pending are dropped without a callback.
  void disconnect();

  State state() const { return state_; }
  bool connected() const { return state_ == State::kConnected; }
  const sim::Address& address() const { return addr_; }
  bool idle() const { return pending_.empty(); }
  // The server closed or reset the connection while no call was pending (what redis-py's
  // can_read and a pool's validation notice before the next command); kNone otherwise.
  ConnFailure gone() const { return gone_; }
  bool socket_is(sim::SocketId socket) const { return socket_ == socket; }

  // Socket events, from the owning process.
  void on_connected();
  void on_readable();
  void on_closed(sim::CloseReason reason);

 private:
  struct Pending {
    Done done;
    sim::TimerId timer;
  };
  void fail_all(ConnFailure failure);
  // Tells each of `pending` (already taken off this connection) that it failed.
  void fail_each(std::deque<Pending>& pending, ConnFailure failure);
  void close_socket();

  sim::Env& env_;
  ClientSockets& sockets_;
  State state_ = State::kDisconnected;
  sim::Address addr_;
  sim::SocketId socket_;
  Done connect_done_;
  sim::TimerId connect_timer_;
  std::deque<Pending> pending_;
  ReplyParser parser_;
  CallResult result_;    // the last reply, kept for its storage
  std::string request_;  // the encoding of the last call, kept for its buffer
  ConnFailure gone_ = ConnFailure::kNone;
};

}  // namespace model
