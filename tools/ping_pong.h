// PingPong: the kernel's demo and benchmark workload, a process that knows nothing of Redis.
//
// Each process listens on its address and keeps one connection to a peer: it sends "PING\r\n",
// the peer answers "PONG\r\n", and after a think time it pings again. A lost connection is
// retried after `reconnect_delay`. Every PONG received is one trace record, so the trace hash
// covers the whole exchange.
#pragma once

#include <cstdint>

#include "sim/world.h"

namespace tools {

struct PingPongOptions {
  sim::Address peer;
  sim::Duration think = sim::Duration::millis(1);
  sim::Duration think_jitter = sim::Duration::micros(0);
  sim::Duration reconnect_delay = sim::Duration::millis(100);
  bool narrate = false;  // trace connects, closes and round-trip times as readable text
};

class PingPong : public sim::Process {
 public:
  PingPong(sim::Env& env, PingPongOptions options)
      : Process(env), think_rng_(env.rng("think")), options_(options) {}

  void start() override;
  void on_connected(sim::SocketId socket) override;
  void on_accepted(sim::SocketId socket) override;
  void on_readable(sim::SocketId socket) override;
  void on_closed(sim::SocketId socket, sim::CloseReason reason) override;

  uint64_t pongs() const { return pongs_; }

 private:
  void connect_to_peer();
  void send_ping();
  void narrate(std::string_view event, std::string_view text);

  // A copy of the stream, not a reference: only this process draws from it, and a copy sits
  // next to the rest of what every PONG touches instead of in a map node elsewhere.
  sim::Rng think_rng_;
  sim::SocketId out_;  // our connection to the peer
  uint64_t pongs_ = 0;
  sim::Time ping_sent_at_;
  PingPongOptions options_;
};

}  // namespace tools
