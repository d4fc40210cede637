// The connection model: TCP's behaviours that Sentinel's timings depend on. Links here have a
// fixed 100 us one-way latency and no jitter, so every time below can be named exactly.
#include <doctest/doctest.h>

#include "tests/unit/probe.h"

using namespace test;
using sim::CloseReason;

namespace {

using Pair = ConnectedPair;

}  // namespace

TEST_CASE("handshake: connected after one round trip, accepted after one and a half") {
  ProbeWorld w;
  auto a = w.add("a", "10.0.0.1:7000");
  auto b = w.add("b", "10.0.0.2:7000");
  w.probe(a).e().connect(w.world.address(b));
  w.run_for(ms(1));
  REQUIRE(w.probe(a).first("connected") != nullptr);
  CHECK(w.probe(a).first("connected")->t == at(us(200)));
  CHECK(w.probe(b).first("accepted")->t == at(us(300)));
}

TEST_CASE("bytes arrive in order, one latency after they are sent") {
  Pair p;
  sim::Time sent = p.world.now();
  for (const char* part : {"x", "yy", "zzz"}) p.probe(p.a).e().send(p.out, part);
  p.run_for(ms(1));
  CHECK(p.probe(p.b).received == "xyyzzz");
  CHECK(p.probe(p.b).events.back().t == sent + us(100));
}

TEST_CASE("jitter never reorders a connection's bytes") {
  ProbeWorld w;
  sim::LinkParams jittery;
  jittery.latency = us(100);
  jittery.jitter = ms(5);
  w.world.network().set_default_link(jittery);
  auto a = w.add("a", "10.0.0.1:7000");
  auto b = w.add("b", "10.0.0.2:7000");
  auto out = w.probe(a).e().connect(w.world.address(b));
  w.run_for(ms(50));
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    std::string part = std::to_string(i) + ",";
    expected += part;
    w.probe(a).e().send(out, part);
    w.run_for(us(37));
  }
  w.run_for(sec(1));
  CHECK(w.probe(b).received == expected);
}

TEST_CASE("connect to a dead process on a live host is refused one round trip later") {
  ProbeWorld w;
  auto a = w.add("a", "10.0.0.1:7000");
  auto b = w.add("b", "10.0.0.2:7000");
  w.world.crash(b);
  w.run_for(ms(1));
  sim::Time start = w.world.now();
  w.probe(a).e().connect(w.world.address(b));
  CHECK(w.probe(a).events.empty());  // asynchronous: nothing inside the call
  w.run_for(ms(10));
  REQUIRE(w.probe(a).first("closed: connection refused") != nullptr);
  CHECK(w.probe(a).first("closed: connection refused")->t == start + us(200));
}

TEST_CASE("connect to a port nobody listens on is refused; to an unknown host it times out") {
  ProbeWorld w;
  auto a = w.add("a", "10.0.0.1:7000");
  w.probe(a).e().connect(sim::parse_address("10.0.0.1:9999"));
  w.probe(a).e().connect(sim::parse_address("10.9.9.9:7000"));
  w.run_for(sec(200));
  REQUIRE(w.probe(a).events.size() == 2);
  CHECK(w.probe(a).events[0].what == "closed: connection refused");
  CHECK(w.probe(a).events[1].what == "closed: connection timed out");
  CHECK(w.probe(a).events[1].t == at(sec(127)));  // SYNs at 0, 1, 3, 7, 15, 31, 63 s
}

TEST_CASE("a partition delays bytes, which arrive on TCP's retransmission schedule after the heal") {
  Pair p;
  auto& net = p.world.network();
  net.cut(p.a, p.b);
  net.cut(p.b, p.a);
  sim::Time sent = p.world.now();
  p.probe(p.a).e().send(p.out, "hello");
  p.run_for(sec(1));
  CHECK(p.probe(p.b).received.empty());
  net.heal_all();
  p.run_for(sec(5));
  CHECK(p.probe(p.b).received == "hello");
  // Lost on arrival at +100 us; retransmitted after 200, 400, 800 ms: the third, at
  // +1.4001 s, finds the path healed and lands one latency later.
  CHECK(p.probe(p.b).first("data")->t == sent + us(100) + ms(1400) + us(100));
  CHECK_FALSE(p.probe(p.a).saw("closed: connection reset by peer"));
}

TEST_CASE("retransmission gives up after 15 retries (924.6 s) with ETIMEDOUT") {
  Pair p;
  p.world.network().cut(p.a, p.b);
  sim::Time sent = p.world.now();
  p.probe(p.a).e().send(p.out, "hello");
  p.run_for(sec(1000));
  const ProbeEvent* gave_up = p.probe(p.a).first("closed: connection timed out");
  REQUIRE(gave_up != nullptr);
  CHECK(gave_up->t == sent + us(100) + ms(924600));
  CHECK(p.probe(p.b).received.empty());
}

TEST_CASE("a one-way partition stops one direction only") {
  Pair p;
  p.world.network().cut(p.a, p.b);
  p.probe(p.a).e().send(p.out, "a->b");
  p.probe(p.b).e().send(p.in(), "b->a");
  p.run_for(ms(100));
  CHECK(p.probe(p.a).received == "b->a");
  CHECK(p.probe(p.b).received.empty());
  CHECK(p.world.network().reachable(p.b, p.a));
  CHECK_FALSE(p.world.network().reachable(p.a, p.b));
}

TEST_CASE("a paused process's input waits in its socket buffer until it resumes") {
  Pair p;
  p.world.pause(p.b);
  p.probe(p.a).e().send(p.out, "ping");
  p.run_for(sec(2));
  CHECK(p.probe(p.b).received.empty());
  sim::Time resumed = p.world.now();
  p.world.resume(p.b);
  p.run_for(ms(1));
  CHECK(p.probe(p.b).received == "ping");
  CHECK(p.probe(p.b).first("data")->t == resumed);
}

TEST_CASE("a crash resets the peers, after the crashed side's in-flight bytes") {
  Pair p;
  p.probe(p.b).e().send(p.in(), "last words");
  sim::Time crashed = p.world.now();
  p.world.crash(p.b);
  p.run_for(ms(1));
  CHECK(p.probe(p.a).received == "last words");
  const ProbeEvent* reset = p.probe(p.a).first("closed: connection reset by peer");
  REQUIRE(reset != nullptr);
  CHECK(reset->t == crashed + us(100));
  CHECK(p.world.network().open_connections() == 0);
}

TEST_CASE("a clean exit gives the peers EOF, not a reset") {
  Pair p;
  p.world.env(p.b).exit();
  p.run_for(ms(1));
  CHECK(p.probe(p.a).saw("closed: connection closed by peer"));
}

TEST_CASE("a host down gives timeouts, not resets, and its connections survive it") {
  Pair p;
  auto c = p.add("c", "10.0.0.3:7000");
  p.world.host_down(p.b);
  p.probe(p.a).e().send(p.out, "are you there");
  p.probe(c).e().connect(p.world.address(p.b));
  p.run_for(sec(130));
  CHECK(p.probe(c).saw("closed: connection timed out"));
  CHECK_FALSE(p.probe(p.a).saw("closed: connection reset by peer"));
  CHECK(p.probe(p.b).received.empty());
  p.world.host_up(p.b);
  p.run_for(sec(200));  // the next retransmission (RTO capped at 120 s) gets through
  CHECK(p.probe(p.b).received == "are you there");
  CHECK(p.probe(p.a).events.size() == 1);  // still just "connected"
}

TEST_CASE("a full window keeps bytes in the sender's output buffer, which dies with it") {
  Pair p;
  p.world.pause(p.b);
  std::string mib(1 << 20, 'x');
  p.probe(p.a).e().send(p.out, mib);
  p.run_for(ms(10));
  size_t window = sim::Network::kDefaultWindow;
  CHECK(p.world.env(p.a).unsent(p.out) == mib.size() - window);
  p.world.crash(p.a);
  p.world.resume(p.b);
  p.run_for(ms(10));
  CHECK(p.probe(p.b).received.size() == window);  // what was in flight still arrives
  CHECK(p.probe(p.b).saw("closed: connection reset by peer"));
}

TEST_CASE("a slow reader throttles the sender but loses nothing") {
  Pair p;
  p.world.pause(p.b);
  std::string data(600 * 1024, 'y');
  p.probe(p.a).e().send(p.out, data);
  p.run_for(ms(10));
  p.world.resume(p.b);
  p.run_for(ms(10));
  CHECK(p.probe(p.b).received == data);
  CHECK(p.world.env(p.a).unsent(p.out) == 0);
}

TEST_CASE("bandwidth: a bulk transfer takes its size over the link's rate") {
  Pair p;
  sim::LinkParams slow;
  slow.latency = us(100);
  slow.jitter = {};
  slow.bytes_per_second = 1000 * 1000;  // 1 MB/s
  p.world.network().set_link(p.a, p.b, slow);
  p.world.network().set_window(1 << 20);
  sim::Time sent = p.world.now();
  p.probe(p.a).e().send(p.out, std::string(100 * 1000, 'z'));
  p.run_for(sec(1));
  CHECK(p.probe(p.b).received.size() == 100 * 1000);
  CHECK(p.probe(p.b).events.back().t == sent + ms(100) + us(100));
}

TEST_CASE("extra lag on a link delays that direction only, until removed") {
  Pair p;
  p.world.network().set_extra_lag(p.a, p.b, ms(50));
  sim::Time sent = p.world.now();
  p.probe(p.a).e().send(p.out, "slow");
  p.probe(p.b).e().send(p.in(), "fast");
  p.run_for(ms(100));
  CHECK(p.probe(p.b).first("data")->t == sent + ms(50) + us(100));
  CHECK(p.probe(p.a).first("data")->t == sent + us(100));
  p.world.network().set_extra_lag(p.a, p.b, {});
  sim::Time again = p.world.now();
  p.probe(p.a).e().send(p.out, "!");
  p.run_for(ms(1));
  CHECK(p.probe(p.b).events.back().t == again + us(100));
}

TEST_CASE("dropping one connection resets both ends and leaves others alone") {
  Pair p;
  auto c = p.add("c", "10.0.0.3:7000");
  auto other = p.probe(c).e().connect(p.world.address(p.b));
  p.run_for(ms(1));
  p.world.network().reset(p.out);
  p.run_for(ms(1));
  CHECK(p.probe(p.a).saw("closed: connection reset by peer"));
  CHECK(p.probe(p.b).saw("closed: connection reset by peer"));
  CHECK(p.world.network().is_open(other));
}

TEST_CASE("closing a socket delivers what was sent, then EOF") {
  Pair p;
  p.probe(p.a).e().send(p.out, "bye");
  p.probe(p.a).e().close(p.out);
  CHECK_FALSE(p.world.network().is_open(p.out));
  p.run_for(ms(1));
  CHECK(p.probe(p.b).received == "bye");
  CHECK(p.probe(p.b).saw("closed: connection closed by peer"));
  CHECK(p.probe(p.a).events.size() == 1);  // a is not told about its own close
}

TEST_CASE("ephemeral addresses: the connecting side gets its host and a fresh port") {
  Pair p;
  const sim::Address& local = p.world.network().local_address(p.out);
  CHECK(local.host == "10.0.0.1");
  CHECK(local.port >= 32768);
  CHECK(p.world.network().peer_address(p.in()) == local);
  auto second = p.probe(p.a).e().connect(p.world.address(p.b));
  CHECK(p.world.network().local_address(second).port != local.port);
}
