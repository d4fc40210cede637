#include "tools/cli_session.h"

#include <fmt/format.h>

#include "model/config_syntax.h"
#include "tools/redis_cli_format.h"

namespace tools {
namespace {

std::string_view connect_error(sim::CloseReason reason) {
  return reason == sim::CloseReason::kTimedOut ? "Connection timed out" : "Connection refused";
}

}  // namespace

CliSession::Session& CliSession::session_for(const sim::Address& target, Mode mode) {
  if (mode == Mode::kInteractive) {
    for (auto& s : sessions_) {
      if (s->target == target && !s->one_shot) return *s;
    }
  }
  sessions_.push_back(std::make_unique<Session>());
  sessions_.back()->target = target;
  sessions_.back()->one_shot = mode == Mode::kOneShot;
  return *sessions_.back();
}

CliSession::Session* CliSession::session_of(sim::SocketId socket) {
  for (auto& s : sessions_) {
    if (s->socket == socket) return s.get();
  }
  return nullptr;
}

void CliSession::run(const sim::Address& target, std::vector<std::string> argv, Mode mode,
                     Done done) {
  Session& s = session_for(target, mode);
  s.argv = std::move(argv);
  s.done = std::move(done);
  s.typed.clear();
  for (const std::string& arg : s.argv) s.typed += (s.typed.empty() ? "" : " ") + arg;
  if (s.connected) {
    s.output = fmt::format("{}> {}\n", target.to_string(), s.typed);
    if (s.closed_by_peer) {  // redis-cli learns of it only now, from the failed read
      s.connected = false;
      s.closed_by_peer = false;
      s.output += "Error: Server closed the connection\n";
      finish(s);
      return;
    }
    send_command(s);
    return;
  }
  // redis-cli connects when it starts, and reconnects before a command when not connected;
  // the prompt is printed once the start-up connect has been tried.
  s.output = s.started ? fmt::format("not connected> {}\n", s.typed) : std::string();
  s.connecting = true;
  s.socket = env().connect(target);
  s.parser = model::ReplyParser();
}

void CliSession::on_connected(sim::SocketId socket) {
  Session* s = session_of(socket);
  if (s == nullptr) return;
  s->connecting = false;
  s->connected = true;
  if (!s->started) {
    s->started = true;
    s->output = fmt::format("{}> {}\n", s->target.to_string(), s->typed);
  }
  send_command(*s);
}

void CliSession::send_command(Session& s) {
  std::string bytes;
  model::append_command(bytes, std::span<const std::string>(s.argv));
  env().send(s.socket, bytes);
}

void CliSession::on_readable(sim::SocketId socket) {
  Session* s = session_of(socket);
  if (s == nullptr) return;
  std::string_view in = env().readable(socket);
  model::RespValue reply;
  model::ParseResult r = s->parser.parse(in, reply);
  env().consume(socket, r.consumed);
  if (r.status != model::ParseStatus::kDone || !s->done) return;
  s->output += format_cli_output(s->argv, reply);
  finish(*s);
}

void CliSession::on_closed(sim::SocketId socket, sim::CloseReason reason) {
  Session* s = session_of(socket);
  if (s == nullptr) return;
  s->socket = {};
  if (s->connecting) {
    s->connecting = false;
    std::string error = fmt::format("Could not connect to Redis at {}: {}\n",
                                    s->target.to_string(), connect_error(reason));
    if (s->one_shot) {
      s->output = fmt::format("{}> {}\n{}", s->target.to_string(), s->typed, error);
      finish(*s);
      return;
    }
    if (!s->started) {
      // The start-up connect failed: redis-cli says so and shows "not connected>"; the
      // command then tries to connect once more, in the same instant, and fails the same way.
      s->started = true;
      s->output = error + fmt::format("not connected> {}\n", s->typed);
    }
    s->output += error;
    finish(*s);
    return;
  }
  if (!s->done) {  // idle: redis-cli notices at the next command
    s->closed_by_peer = true;
    return;
  }
  s->connected = false;
  // SHUTDOWN expects the connection to close and prints nothing (cliSendCommand).
  if (!model::equals_nocase(s->argv[0], "shutdown")) {
    s->output += "Error: Server closed the connection\n";
  }
  finish(*s);
}

void CliSession::finish(Session& s) {
  Done done = std::move(s.done);
  std::string output = std::move(s.output);
  s.done = nullptr;
  if (s.one_shot) {  // the redis-cli process exits: its connection closes, it is forgotten
    if (s.socket.valid()) env().close(s.socket);
    std::erase_if(sessions_, [&s](const std::unique_ptr<Session>& p) { return p.get() == &s; });
  }
  done(std::move(output));
}

}  // namespace tools
