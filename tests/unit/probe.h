// Probe: a test process that listens on its address, records every socket event with its
// time, and lets a test drive it (connect, send, close) from outside.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/world.h"

namespace test {

struct ProbeEvent {
  sim::Time t;
  std::string what;  // "connected", "accepted", "closed: connection reset by peer", "data"
};

class Probe : public sim::Process {
 public:
  explicit Probe(sim::Env& env) : Process(env) {}

  void start() override {
    if (env().address().port != 0) env().listen(env().address());
  }
  void on_connected(sim::SocketId s) override { record("connected", s); }
  void on_accepted(sim::SocketId s) override {
    accepted = s;
    record("accepted", s);
  }
  void on_readable(sim::SocketId s) override {
    std::string_view bytes = env().readable(s);
    if (bytes.empty()) return;
    received += bytes;
    env().consume(s, bytes.size());
    record("data", s);
  }
  void on_closed(sim::SocketId s, sim::CloseReason reason) override {
    record(fmt::format("closed: {}", sim::to_string(reason)), s);
  }

  sim::Env& e() { return env(); }
  bool saw(std::string_view what) const { return first(what) != nullptr; }
  const ProbeEvent* first(std::string_view what) const {
    for (const ProbeEvent& ev : events) {
      if (ev.what == what) return &ev;
    }
    return nullptr;
  }

  std::vector<ProbeEvent> events;
  std::string received;
  sim::SocketId accepted;

 private:
  void record(std::string what, sim::SocketId) { events.push_back({env().now(), std::move(what)}); }
};

// A world of probes named and addressed as given ("a" -> "10.0.0.1:7000", ...).
struct ProbeWorld {
  explicit ProbeWorld(uint64_t seed = 1) : world(seed) {
    sim::LinkParams fixed;  // no jitter, so tests can name exact times
    fixed.latency = sim::Duration::micros(100);
    fixed.jitter = sim::Duration{};
    world.network().set_default_link(fixed);
  }
  sim::NodeId add(const std::string& name, const std::string& addr) {
    sim::NodeId id = world.add_node(sim::NodeSpec{
        name, sim::parse_address(addr),
        [](sim::Env& env) { return std::make_unique<Probe>(env); }});
    world.start(id);
    return id;
  }
  Probe& probe(sim::NodeId id) { return *static_cast<Probe*>(world.process(id)); }
  void run_for(sim::Duration d) { world.run_until(world.now() + d); }

  sim::World world;
};

constexpr sim::Duration us(int64_t n) { return sim::Duration::micros(n); }
constexpr sim::Duration ms(int64_t n) { return sim::Duration::millis(n); }

// a connects to b and both sides have heard of it (connected at 200 us, accepted at 300 us).
struct ConnectedPair : ProbeWorld {
  ConnectedPair() {
    a = add("a", "10.0.0.1:7000");
    b = add("b", "10.0.0.2:7000");
    out = probe(a).e().connect(world.address(b));
    run_for(ms(1));
  }
  sim::Env& env_b() { return probe(b).e(); }
  sim::SocketId in() { return probe(b).accepted; }
  sim::NodeId a, b;
  sim::SocketId out;
};
constexpr sim::Duration sec(int64_t n) { return sim::Duration::seconds(n); }
constexpr sim::Time at(sim::Duration d) { return sim::kTimeZero + d; }

}  // namespace test
