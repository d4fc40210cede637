// What a simulated process is to the kernel: something that reacts to its start, to socket
// events and to its own timers, and to nothing else. The model's servers, sentinels and
// clients implement it; everything they do goes through their Env.
#pragma once

#include "sim/network.h"

namespace sim {

class Env;

class Process {
 public:
  explicit Process(Env& env) : env_(env) {}
  virtual ~Process() = default;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  virtual void start() {}
  virtual void on_connected(SocketId) {}
  virtual void on_accepted(SocketId) {}
  virtual void on_readable(SocketId) {}
  virtual void on_closed(SocketId, CloseReason) {}
  // SIGTERM. The default exits at once; Redis shuts down cleanly (and may refuse).
  virtual void on_terminate();

 protected:
  Env& env() { return env_; }
  const Env& env() const { return env_; }

 private:
  Env& env_;
};

}  // namespace sim
