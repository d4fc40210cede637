#include "model/client_connection.h"

#include <algorithm>

namespace model {

void ClientSockets::remove(ServerConnection* c) { std::erase(conns_, c); }

ServerConnection* ClientSockets::find(sim::SocketId socket) const {
  for (ServerConnection* c : conns_) {
    if (c->state() != ServerConnection::State::kDisconnected && c->socket_is(socket)) return c;
  }
  return nullptr;
}

ServerConnection::ServerConnection(sim::Env& env, ClientSockets& sockets)
    : env_(env), sockets_(sockets) {
  sockets_.add(this);
}

ServerConnection::~ServerConnection() {
  close_socket();
  sockets_.remove(this);
}

void ServerConnection::connect(const sim::Address& addr, sim::Duration timeout, Done done) {
  addr_ = addr;
  state_ = State::kConnecting;
  gone_ = ConnFailure::kNone;
  parser_ = ReplyParser();
  connect_done_ = std::move(done);
  socket_ = env_.connect(addr);
  connect_timer_ = env_.after(timeout, [this] {
    Done on_timeout = std::move(connect_done_);
    close_socket();
    CallResult timed_out{ConnFailure::kConnectTimeout, {}};
    on_timeout(timed_out);
  });
}

void ServerConnection::call(const std::vector<std::string>& argv,
                            std::optional<sim::Duration> timeout, Done done) {
  request_.clear();
  append_command(request_, std::span<const std::string>(argv));
  env_.send(socket_, request_);
  sim::TimerId timer;
  if (timeout) {
    timer = env_.after(*timeout, [this] {
      // The library gives up on this reply; the connection can no longer be trusted to pair
      // replies with commands, so every library closes it (redis-py disconnects on any error).
      fail_all(ConnFailure::kReadTimeout);
    });
  }
  pending_.push_back({std::move(done), timer});
}

void ServerConnection::await_reply(Done done) { pending_.push_back({std::move(done), {}}); }

void ServerConnection::disconnect() { close_socket(); }

void ServerConnection::close_socket() {
  if (state_ == State::kDisconnected) return;
  env_.cancel(connect_timer_);
  for (Pending& p : pending_) env_.cancel(p.timer);
  pending_.clear();
  connect_done_ = nullptr;
  env_.close(socket_);
  socket_ = {};
  state_ = State::kDisconnected;
}

void ServerConnection::fail_all(ConnFailure failure) {
  std::deque<Pending> pending = std::move(pending_);
  pending_.clear();
  close_socket();
  fail_each(pending, failure);
}

void ServerConnection::fail_each(std::deque<Pending>& pending, ConnFailure failure) {
  for (Pending& p : pending) {
    env_.cancel(p.timer);
    CallResult failed{failure, {}};
    p.done(failed);
  }
}

void ServerConnection::on_connected() {
  env_.cancel(connect_timer_);
  state_ = State::kConnected;
  Done done = std::move(connect_done_);
  connect_done_ = nullptr;
  CallResult connected;
  done(connected);
}

void ServerConnection::on_readable() {
  std::string_view in = env_.readable(socket_);
  size_t used = 0;
  while (used < in.size() && !pending_.empty()) {
    ParseResult r = parser_.parse(in.substr(used), result_.reply);
    used += r.consumed;
    if (r.status != ParseStatus::kDone) break;
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    env_.cancel(p.timer);
    result_.failure = ConnFailure::kNone;
    p.done(result_);
    if (state_ != State::kConnected) return;  // the callback closed this connection
  }
  env_.consume(socket_, used);
}

void ServerConnection::on_closed(sim::CloseReason reason) {
  if (state_ == State::kConnecting) {
    env_.cancel(connect_timer_);
    socket_ = {};
    state_ = State::kDisconnected;
    Done done = std::move(connect_done_);
    connect_done_ = nullptr;
    CallResult failed{reason == sim::CloseReason::kTimedOut ? ConnFailure::kConnectTimeout
                                                            : ConnFailure::kRefused,
                      {}};
    done(failed);
    return;
  }
  ConnFailure failure =
      reason == sim::CloseReason::kEof ? ConnFailure::kClosedByServer : ConnFailure::kReset;
  if (pending_.empty()) {
    // Nobody is reading: the library finds out when it next uses the connection.
    gone_ = failure;
    return;
  }
  socket_ = {};
  state_ = State::kDisconnected;
  std::deque<Pending> pending = std::move(pending_);
  pending_.clear();
  fail_each(pending, failure);
}

}  // namespace model
