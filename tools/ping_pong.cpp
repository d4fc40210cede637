#include "tools/ping_pong.h"

#include <fmt/format.h>

namespace tools {
namespace {

constexpr std::string_view kPing = "PING\r\n";
constexpr std::string_view kPong = "PONG\r\n";

}  // namespace

void PingPong::start() {
  env().listen(env().address());
  connect_to_peer();
}

void PingPong::connect_to_peer() { out_ = env().connect(options_.peer); }

void PingPong::narrate(std::string_view event, std::string_view text) {
  if (options_.narrate) env().trace("demo", '*', event, text);
}

void PingPong::send_ping() {
  ping_sent_at_ = env().now();
  env().send(out_, kPing);
}

void PingPong::on_connected(sim::SocketId socket) {
  if (socket != out_) return;
  if (options_.narrate) narrate("connected", fmt::format("connected to {}", options_.peer.to_string()));
  send_ping();
}

void PingPong::on_accepted(sim::SocketId) {}

void PingPong::on_readable(sim::SocketId socket) {
  std::string_view bytes = env().readable(socket);
  size_t used = 0;
  bool is_out = socket == out_;
  for (; bytes.size() - used >= kPing.size(); used += kPing.size()) {
    if (!is_out) {
      env().send(socket, kPong);  // a ping from whoever connected to us
      continue;
    }
    ++pongs_;
    if (options_.narrate) {
      double rtt_ms = static_cast<double>((env().now() - ping_sent_at_).us) / 1000.0;
      narrate("pong", fmt::format("PONG from {} after {:.3f} ms", options_.peer.to_string(), rtt_ms));
    } else {
      env().trace("bench", '.', "pong", "PONG");
    }
    sim::Duration think = options_.think;
    if (options_.think_jitter.us > 0) {
      think += sim::Duration::micros(think_rng_.uniform_signed(0, options_.think_jitter.us));
    }
    env().after(think, [this] { send_ping(); });
  }
  env().consume(socket, used);
}

void PingPong::on_closed(sim::SocketId socket, sim::CloseReason reason) {
  if (socket != out_) return;
  if (options_.narrate) {
    narrate("closed", fmt::format("link to {} lost: {}", options_.peer.to_string(),
                                  sim::to_string(reason)));
  }
  out_ = {};
  env().after(options_.reconnect_delay, [this] { connect_to_peer(); });
}

}  // namespace tools
