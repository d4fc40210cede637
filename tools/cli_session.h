// CliSession: the `redis-cli` a scenario's steps run, printing what real redis-cli 7.0 prints
// on a terminal. It is a process on its own client host.
//
// Two ways, as on a real machine:
// - one-shot (`redis-cli -p 6380 get k1` from a shell): a fresh connection per command,
//   closed after the reply. Printed as the walkthrough transcripts show it: the prompt and the
//   command, then the reply, or "Could not connect to Redis at 127.0.0.1:6380: Connection
//   refused" when nothing listens.
// - interactive (one `redis-cli -p 6380` session per server address, commands typed into it):
//   the prompt is "127.0.0.1:6380> " while the session is connected and "not connected> " once
//   the server closed the connection (after SHUTDOWN, a crash, CLIENT KILL); the next command
//   then reconnects first, printing "Could not connect ..." if it cannot (redis-cli.c
//   issueCommandRepeat, cliSendCommand).
// Replies are formatted by tools/redis_cli_format.h.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/resp.h"
#include "sim/world.h"

namespace tools {

class CliSession : public sim::Process {
 public:
  // Called once the command has finished, with everything redis-cli printed for it.
  using Done = std::function<void(std::string output)>;

  explicit CliSession(sim::Env& env) : Process(env) {}

  enum class Mode : uint8_t { kOneShot, kInteractive };

  // Runs `argv` against `target`: in a fresh one-shot redis-cli, or typed into the interactive
  // session for `target`. REQUIRES: no command of this CliSession is still running (a
  // scenario's redis-cli steps run one after another).
  void run(const sim::Address& target, std::vector<std::string> argv, Mode mode, Done done);

  void on_connected(sim::SocketId socket) override;
  void on_readable(sim::SocketId socket) override;
  void on_closed(sim::SocketId socket, sim::CloseReason reason) override;

 private:
  struct Session {
    sim::Address target;
    sim::SocketId socket;
    bool started = false;         // redis-cli has started (and tried its first connect)
    bool connected = false;       // redis-cli's `context` exists
    bool connecting = false;
    bool closed_by_peer = false;  // the server closed it while idle; redis-cli does not know
    bool one_shot = false;        // closed and forgotten after its command
    std::vector<std::string> argv;  // the command in flight
    std::string typed;              // as the user typed it
    Done done;
    std::string output;
    model::ReplyParser parser;
  };

  Session& session_for(const sim::Address& target, Mode mode);
  Session* session_of(sim::SocketId socket);
  void send_command(Session& s);
  void finish(Session& s);

  std::vector<std::unique_ptr<Session>> sessions_;
};

}  // namespace tools
