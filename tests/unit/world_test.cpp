// Processes, clocks, disks and random streams: what survives a crash, what a pause defers,
// and what each node sees alone.
#include <doctest/doctest.h>

#include "tests/unit/probe.h"

using namespace test;

namespace {

// Records when its timers fire; `start` arms timers at 1 s, 2 s and 3 s.
class Ticker : public sim::Process {
 public:
  Ticker(sim::Env& env, std::vector<std::string>* log) : Process(env), log_(log) {}
  void start() override {
    for (int i = 1; i <= 3; ++i) {
      env().after(sec(i), [this, i] {
        log_->push_back(fmt::format("{} tick{} at {}", env().name(), i,
                                    sim::format_seconds(env().now())));
      });
    }
  }

 private:
  std::vector<std::string>* log_;
};

struct TickerWorld {
  TickerWorld() : world(1) {
    for (const char* name : {"a", "b"}) {
      world.add_node(sim::NodeSpec{name, sim::Address{std::string("10.0.0.") + (name[0] == 'a' ? "1" : "2"), 7000},
                                   [this](sim::Env& env) {
                                     return std::make_unique<Ticker>(env, &log);
                                   }});
    }
  }
  std::vector<std::string> log;
  sim::World world;
};

}  // namespace

TEST_CASE("a paused process runs nothing; overdue timers fire in order on resume") {
  TickerWorld t;
  t.world.start(0);
  t.world.run_until(at(ms(500)));
  t.world.pause(0);
  t.world.run_until(at(ms(2500)));
  CHECK(t.log.empty());
  t.world.resume(0);
  t.world.run_until(at(sec(4)));
  CHECK(t.log == std::vector<std::string>{"a tick1 at 2.500s", "a tick2 at 2.500s",
                                          "a tick3 at 3.000s"});
}

TEST_CASE("a host down freezes its process like a pause") {
  TickerWorld t;
  t.world.start(0);
  t.world.host_down(0);
  t.world.run_until(at(sec(5)));
  CHECK(t.log.empty());
  t.world.host_up(0);
  t.world.run_until(at(sec(6)));
  CHECK(t.log.size() == 3);
}

TEST_CASE("a crash drops the old incarnation's timers; a restart starts afresh") {
  TickerWorld t;
  t.world.start(0);
  t.world.run_until(at(ms(1500)));
  t.world.crash(0);
  CHECK_FALSE(t.world.alive(0));
  t.world.run_until(at(ms(1700)));
  t.world.start(0);
  CHECK(t.world.env(0).incarnation() == 2);
  t.world.run_until(at(sec(10)));
  CHECK(t.log == std::vector<std::string>{"a tick1 at 1.000s", "a tick1 at 2.700s",
                                          "a tick2 at 3.700s", "a tick3 at 4.700s"});
}

TEST_CASE("a crash while paused kills the process and its deferred events") {
  TickerWorld t;
  t.world.start(0);
  t.world.pause(0);
  t.world.run_until(at(sec(2)));
  t.world.crash(0);
  t.world.run_until(at(sec(5)));
  CHECK(t.log.empty());
  CHECK_FALSE(t.world.paused(0));
}

TEST_CASE("SIGTERM on a paused process waits for SIGCONT") {
  ProbeWorld w;
  auto a = w.add("a", "10.0.0.1:7000");
  w.world.pause(a);
  w.world.terminate(a);
  CHECK(w.world.alive(a));
  w.world.resume(a);
  w.run_for(ms(1));
  CHECK_FALSE(w.world.alive(a));  // Process's default on_terminate exits
}

TEST_CASE("a clock jump is seen by that node alone, and only on its wall clock") {
  ProbeWorld w;
  auto a = w.add("a", "10.0.0.1:7000");
  auto b = w.add("b", "10.0.0.2:7000");
  w.run_for(sec(10));
  int64_t epoch = sim::World::kDefaultEpochUnixUs;
  CHECK(w.world.env(a).unix_us() == epoch + 10'000'000);
  w.world.jump_clock(a, sec(-30));
  CHECK(w.world.env(a).unix_us() == epoch + 10'000'000 - 30'000'000);
  CHECK(w.world.env(b).unix_us() == epoch + 10'000'000);
  CHECK(w.world.env(a).now() == w.world.env(b).now());  // monotonic clocks agree
}

TEST_CASE("clock drift accumulates from when it is set") {
  ProbeWorld w;
  auto a = w.add("a", "10.0.0.1:7000");
  w.run_for(sec(10));
  w.world.set_clock_drift(a, 1000);  // gains 1 ms per second
  w.run_for(sec(100));
  int64_t epoch = sim::World::kDefaultEpochUnixUs;
  CHECK(w.world.env(a).unix_us() == epoch + 110'000'000 + 100'000);
  w.world.set_clock_drift(a, 0);
  w.run_for(sec(100));
  CHECK(w.world.env(a).unix_us() == epoch + 210'000'000 + 100'000);
}

TEST_CASE("the disk survives crashes and restarts") {
  ProbeWorld w;
  auto a = w.add("a", "10.0.0.1:7000");
  w.world.env(a).disk().write("redis.conf", "port 7000\n");
  w.world.crash(a);
  w.world.start(a);
  const std::string* conf = w.world.env(a).disk().read("redis.conf");
  REQUIRE(conf != nullptr);
  CHECK(*conf == "port 7000\n");
}

TEST_CASE("random streams are per node, per purpose and per incarnation") {
  auto first_draws = [](bool b_draws_first) {
    ProbeWorld w(7);
    auto a = w.add("a", "10.0.0.1:7000");
    auto b = w.add("b", "10.0.0.2:7000");
    if (b_draws_first) {
      for (int i = 0; i < 5; ++i) w.world.env(b).rng("jitter").next_u64();
      w.world.env(a).rng("other").next_u64();
    }
    return w.world.env(a).rng("jitter").next_u64();
  };
  // Draws elsewhere never shift a stream.
  CHECK(first_draws(false) == first_draws(true));

  ProbeWorld w(7);
  auto a = w.add("a", "10.0.0.1:7000");
  uint64_t first_life = w.world.env(a).rng("runid").next_u64();
  CHECK(first_life != w.world.env(a).rng("jitter").next_u64());
  w.world.crash(a);
  w.world.start(a);
  CHECK(w.world.env(a).rng("runid").next_u64() != first_life);
}

TEST_CASE("a process that exits from its own handler is destroyed after the call returns") {
  ProbeWorld w;
  auto a = w.add("a", "10.0.0.1:7000");
  bool ran_after_exit = false;
  w.world.env(a).after(ms(1), [&w, a, &ran_after_exit] {
    w.world.env(a).exit();
    ran_after_exit = true;  // the process object is still alive here
  });
  w.run_for(ms(5));
  CHECK(ran_after_exit);
  CHECK_FALSE(w.world.alive(a));
  CHECK(w.world.process(a) == nullptr);
}
