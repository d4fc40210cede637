// What a process sends during one of its events leaves when the event ends: at once if it did
// not block, after the blocking time if it called Env::busy (an fsync) later in the same
// event. Redis writes client replies in beforeSleep and hiredis writes commands from the write
// handler, both after the event's processing (sentinelTimer's config fsync included).
// Links: 100 us, no jitter; b's sends below run in b's own timer events.
#include <doctest/doctest.h>

#include "tests/unit/probe.h"

using namespace test;

TEST_CASE("holdback: a send in an event that does not block leaves at the event's time") {
  ConnectedPair p;
  sim::Time t0 = p.world.now();
  p.env_b().after(ms(1), [&] { p.env_b().send(p.in(), "vote?"); });
  p.run_for(ms(10));
  REQUIRE(p.probe(p.a).first("data") != nullptr);
  CHECK(p.probe(p.a).first("data")->t == t0 + ms(1) + us(100));
  CHECK(p.probe(p.a).received == "vote?");
}

TEST_CASE("holdback: a send before busy() in the same event leaves when the blocking ends") {
  ConnectedPair p;
  sim::Time t0 = p.world.now();
  // sentinelTimer: IS-MASTER-DOWN-BY-ADDR queued to a peer, then the vote's config fsync.
  p.env_b().after(ms(1), [&] {
    p.env_b().send(p.in(), "vote?");
    p.env_b().busy(ms(2));
    p.env_b().busy(ms(3));  // they add up
  });
  p.run_for(ms(5) + us(500));  // past when it would have arrived had it left at once
  CHECK(p.probe(p.a).received.empty());
  p.run_for(ms(5));
  REQUIRE(p.probe(p.a).first("data") != nullptr);
  CHECK(p.probe(p.a).first("data")->t == t0 + ms(6) + us(100));
  CHECK(p.probe(p.a).received == "vote?");
}

TEST_CASE("holdback: sends before and after busy() arrive in the order written") {
  ConnectedPair p;
  sim::Time t0 = p.world.now();
  p.env_b().after(ms(1), [&] {
    p.env_b().send(p.in(), "+OK\r\n");
    p.env_b().busy(ms(5));
    p.env_b().send(p.in(), ":1\r\n");
    p.env_b().close(p.in());
  });
  p.run_for(ms(10));
  CHECK(p.probe(p.a).received == "+OK\r\n:1\r\n");
  CHECK(p.probe(p.a).first("data")->t == t0 + ms(6) + us(100));
  const ProbeEvent* eof = p.probe(p.a).first("closed: connection closed by peer");
  REQUIRE(eof != nullptr);
  CHECK(eof->t == t0 + ms(6) + us(100));
}

TEST_CASE("holdback: a reply and a close before busy() both wait for its end") {
  ConnectedPair p;
  sim::Time t0 = p.world.now();
  p.env_b().after(ms(1), [&] {
    p.env_b().send(p.in(), "+OK\r\n");  // QUIT's reply, then the close, then a config fsync
    p.env_b().close(p.in());
    p.env_b().busy(ms(5));
  });
  p.run_for(ms(10));
  CHECK(p.probe(p.a).received == "+OK\r\n");
  const ProbeEvent* eof = p.probe(p.a).first("closed: connection closed by peer");
  REQUIRE(eof != nullptr);
  CHECK(eof->t == t0 + ms(6) + us(100));
}

TEST_CASE("holdback: only the blocking event's sends wait, not an earlier event's") {
  ConnectedPair p;
  sim::Time t0 = p.world.now();
  p.env_b().after(ms(1), [&] { p.env_b().send(p.in(), "early "); });
  p.env_b().after(ms(1) + us(50), [&] {  // "early " is still in flight
    p.env_b().send(p.in(), "late");
    p.env_b().busy(ms(5));
  });
  p.run_for(ms(10));
  CHECK(p.probe(p.a).received == "early late");
  CHECK(p.probe(p.a).first("data")->t == t0 + ms(1) + us(100));
  CHECK(p.probe(p.a).events.back().t == t0 + ms(6) + us(150));
}
