// Env::busy: a process that blocks inside an event (an fsync). What it does after the call
// happens when the blocking time has passed; meanwhile its input waits, and closing a socket
// whose input it never read resets the peer, as Linux does. Links: 100 us, no jitter.
#include <doctest/doctest.h>

#include <sstream>

#include "tests/unit/probe.h"

using namespace test;

namespace {

using Pair = ConnectedPair;

}  // namespace

TEST_CASE("busy: a send and a close after it leave when the blocking time has passed") {
  Pair p;
  sim::Time t0 = p.world.now();
  p.env_b().busy(ms(5));
  CHECK(p.env_b().now() == t0 + ms(5));  // the process's clock has moved on
  p.env_b().send(p.in(), "after fsync");
  p.env_b().close(p.in());
  p.run_for(ms(4));
  CHECK(p.probe(p.a).received.empty());
  CHECK(p.probe(p.a).events.size() == 1);  // only "connected"
  p.run_for(ms(2));
  CHECK(p.probe(p.a).received == "after fsync");
  REQUIRE(p.probe(p.a).first("data") != nullptr);
  CHECK(p.probe(p.a).first("data")->t == t0 + ms(5) + us(100));
  REQUIRE(p.probe(p.a).first("closed: connection closed by peer") != nullptr);
  CHECK(p.probe(p.a).first("closed: connection closed by peer")->t == t0 + ms(5) + us(100));
  CHECK(p.env_b().now() == p.world.now());  // over: the clock is the world's again
}

TEST_CASE("busy: calls in one event add up; timers count from the end") {
  Pair p;
  sim::Time t0 = p.world.now();
  sim::Time fired;
  p.env_b().busy(ms(2));
  p.env_b().busy(ms(3));
  CHECK(p.env_b().now() == t0 + ms(5));
  p.env_b().after(ms(1), [&] { fired = p.env_b().now(); });
  p.env_b().send(p.in(), "x");
  p.run_for(ms(10));
  CHECK(fired == t0 + ms(6));
  CHECK(p.probe(p.a).first("data")->t == t0 + ms(5) + us(100));
}

TEST_CASE("busy: input waits until the end, in order with what the process did") {
  Pair p;
  sim::Time t0 = p.world.now();
  p.env_b().busy(ms(5));
  p.probe(p.a).e().send(p.out, "ping");  // arrives at +100 us, while b is blocked
  p.run_for(ms(4));
  CHECK(p.probe(p.b).received.empty());
  p.run_for(ms(2));
  CHECK(p.probe(p.b).received == "ping");
  CHECK(p.probe(p.b).first("data")->t == t0 + ms(5));
}

TEST_CASE("busy: a close with input the process never read resets the peer") {
  Pair p;
  sim::Time t0 = p.world.now();
  p.env_b().busy(ms(5));
  p.env_b().close(p.in());               // CLIENT KILL after CONFIG REWRITE's fsync
  p.probe(p.a).e().send(p.out, "GET k");  // in flight meanwhile: lands unread
  p.run_for(ms(10));
  CHECK(p.probe(p.b).received.empty());  // never handed to b
  CHECK_FALSE(p.probe(p.a).saw("closed: connection closed by peer"));
  const ProbeEvent* reset = p.probe(p.a).first("closed: connection reset by peer");
  REQUIRE(reset != nullptr);
  CHECK(reset->t == t0 + ms(5) + us(100));
  CHECK(p.world.network().open_connections() == 0);
}

TEST_CASE("busy: input the process has read does not make its close a reset") {
  Pair p;
  p.probe(p.a).e().send(p.out, "ping");
  p.run_for(ms(1));
  REQUIRE(p.probe(p.b).received == "ping");
  p.env_b().busy(ms(5));
  p.env_b().close(p.in());
  p.run_for(ms(10));
  CHECK(p.probe(p.a).saw("closed: connection closed by peer"));
  CHECK_FALSE(p.probe(p.a).saw("closed: connection reset by peer"));
}

TEST_CASE("busy: bytes that reach the socket after the close are answered with a reset") {
  Pair p;
  sim::Time t0 = p.world.now();
  p.env_b().busy(ms(5));
  p.env_b().close(p.in());
  p.run_for(ms(5) + us(50));  // the FIN is on its way to a
  p.probe(p.a).e().send(p.out, "too late");
  p.run_for(ms(1));
  // The FIN gets there first; the bytes that crossed it answer with a RST that a (already
  // closed by then) never hears of: it saw EOF, and b never got the bytes.
  CHECK(p.probe(p.a).first("closed: connection closed by peer")->t == t0 + ms(5) + us(100));
  CHECK(p.probe(p.b).received.empty());
}

TEST_CASE("busy: an exit after it happens at the end, resetting peers whose input is unread") {
  Pair p;
  sim::Time t0 = p.world.now();
  p.env_b().busy(ms(3));
  p.env_b().exit();
  CHECK(p.world.alive(p.b));
  p.probe(p.a).e().send(p.out, "SET k v");
  p.run_for(ms(2));
  CHECK(p.world.alive(p.b));
  p.run_for(ms(2));
  CHECK_FALSE(p.world.alive(p.b));
  REQUIRE(p.probe(p.a).saw("closed: connection reset by peer"));
  CHECK(p.probe(p.a).first("closed: connection reset by peer")->t == t0 + ms(3) + us(100));
}

TEST_CASE("busy: a connect after it sends its SYN at the end") {
  Pair p;
  sim::Time t0 = p.world.now();
  p.env_b().busy(ms(5));
  p.env_b().connect(p.world.address(p.a));
  p.run_for(ms(10));
  REQUIRE(p.probe(p.b).first("connected") != nullptr);
  CHECK(p.probe(p.b).first("connected")->t == t0 + ms(5) + us(200));
  CHECK(p.probe(p.a).first("accepted")->t == t0 + ms(5) + us(300));
}

TEST_CASE("busy: a trace record after it is stamped at the end, after earlier ones") {
  Pair p;
  std::ostringstream out;
  sim::TimelineSink sink(out);
  p.world.trace().add_sink(&sink);
  sim::Time t0 = p.world.now();
  p.env_b().trace("server", '*', "before", "before the fsync");
  p.env_b().busy(ms(2));
  p.env_b().trace("server", '#', "after", "saved");
  CHECK(p.world.trace().records() == 1);
  p.probe(p.a).e().trace("server", '*', "other", "meanwhile");
  p.run_for(ms(3));
  p.world.trace().remove_sink(&sink);
  auto line = [](sim::Time t, std::string_view node, char level, std::string_view text) {
    return fmt::format("{:>11} {:<10} {} {}\n", sim::format_seconds(t), node, level, text);
  };
  CHECK(out.str() == line(t0, "b", '*', "before the fsync") + line(t0, "a", '*', "meanwhile") +
                         line(t0 + ms(2), "b", '#', "saved"));
}

TEST_CASE("busy: a crash meanwhile drops what was deferred") {
  Pair p;
  p.env_b().busy(ms(5));
  p.env_b().send(p.in(), "never");
  p.world.crash(p.b);
  p.run_for(ms(10));
  CHECK(p.probe(p.a).received.empty());
  CHECK(p.probe(p.a).saw("closed: connection reset by peer"));
  p.world.start(p.b);
  CHECK(p.world.env(p.b).now() == p.world.now());
}

TEST_CASE("busy: a DEBUG SLEEP stall asked after it counts from its end") {
  Pair p;
  sim::Time t0 = p.world.now();
  p.env_b().busy(ms(2));
  p.env_b().stall(ms(10));
  p.probe(p.a).e().send(p.out, "ping");
  p.run_for(ms(11));
  CHECK(p.probe(p.b).received.empty());  // 2 ms busy + 10 ms asleep
  p.run_for(ms(2));
  CHECK(p.probe(p.b).first("data")->t == t0 + ms(12));
}
