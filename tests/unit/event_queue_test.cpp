// The event queue (sim/event_queue.h) and its calendar (sim/calendar.h): ordering, cancel,
// run_until, the timing wheel / heap split, the gate, and a model-based property.
#include "sim/event_queue.h"

#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

using sim::Duration;
using sim::EventOwner;
using sim::EventQueue;
using sim::Time;
using sim::TimerId;
using Labels = std::vector<int>;

namespace {

constexpr int64_t kWheel = 16384;  // calendar.h: events this far ahead or more go to the heap

// A queue whose labelled events record that they ran, and when.
struct Fixture {
  EventQueue q;
  Labels labels;
  std::vector<int64_t> times;

  TimerId add(int64_t at, int label, EventOwner owner = {}) {
    Fixture* self = this;
    return q.schedule(Time{at}, [self, label] { self->ran(label); }, owner);
  }
  void ran(int label) {
    labels.push_back(label);
    times.push_back(q.now().us);
  }
};

// An oracle that needs no model: each event records the (time, sequence) it was scheduled
// with; the queue is right iff each runs at its time, none is missing, and the records come
// out strictly increasing (events can only be added at or after now, so this is the order).
struct Tracker {
  EventQueue q;
  uint64_t seq = 0;
  std::vector<std::pair<int64_t, uint64_t>> ran;
  bool off_time = false;

  // An event at `at` that re-schedules itself every `period` us (if > 0) up to `until`.
  void periodic(int64_t at, int64_t period, int64_t until) {
    uint64_t my_seq = seq++;
    Tracker* self = this;
    q.schedule(Time{at}, [self, at, my_seq, period, until] {
      self->off_time |= self->q.now().us != at;
      self->ran.emplace_back(at, my_seq);
      if (period > 0 && at + period <= until) self->periodic(at + period, period, until);
    });
  }
  void check_sorted(size_t expected_count) const {
    CHECK_FALSE(off_time);
    CHECK(ran.size() == expected_count);
    CHECK(std::adjacent_find(ran.begin(), ran.end(), std::greater_equal<>()) == ran.end());
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "events run in order of time, then of insertion") {
  for (auto [at, label] : {std::pair{30, 0}, {10, 1}, {20, 2}, {10, 3}, {0, 4}}) {
    add(at, label);
  }
  CHECK(q.size() == 5);
  q.run_until(Time{100});
  CHECK(labels == Labels{4, 1, 3, 2, 0});
  CHECK(times == std::vector<int64_t>{0, 10, 10, 20, 30});
  CHECK(q.executed() == 5);
  CHECK(q.empty());
}

TEST_CASE("ties at the same microsecond run in scheduling order") {
  for (int64_t at : {int64_t{5}, kWheel - 1, kWheel, 3 * kWheel + 17, int64_t{10'000'000}}) {
    CAPTURE(at);
    Fixture f;
    Labels expected;
    for (int i = 0; i < 200; ++i) {
      f.add(at, i);
      expected.push_back(i);
    }
    f.q.run_until(Time{at});
    CHECK(f.labels == expected);
  }
}

TEST_CASE_FIXTURE(Fixture, "ties between a far event (heap) and later near ones (wheel)") {
  add(20'000, 0);  // 20 ms ahead: the heap
  q.run_until(Time{10'000});
  add(20'000, 1);  // now 10 ms ahead: the wheel
  add(20'000, 2);
  q.run_until(Time{19'999});
  add(20'000, 3);
  q.run_until(Time{20'000});
  CHECK(labels == Labels{0, 1, 2, 3});
}

TEST_CASE_FIXTURE(Fixture, "a cancelled event never runs, in the wheel or in the heap") {
  TimerId a = add(10, 0), b = add(20, 1), c = add(50'000, 2);
  CHECK(q.pending(a));
  CHECK(q.pending(c));
  q.cancel(a);
  q.cancel(c);
  CHECK_FALSE(q.pending(a));
  CHECK_FALSE(q.pending(c));
  CHECK(q.pending(b));
  q.run_until(Time{100'000});
  CHECK(labels == Labels{1});
  CHECK(q.executed() == 1);
  CHECK(q.empty());
}

TEST_CASE_FIXTURE(Fixture,
                  "cancelling an event that already ran, twice, or an invalid id is a no-op") {
  TimerId first = add(10, 0);
  q.run_until(Time{10});
  CHECK_FALSE(q.pending(first));
  TimerId second = add(20, 1);  // reuses the slot `first` had
  q.cancel(first);
  q.cancel(first);
  q.cancel(TimerId{});
  q.cancel(TimerId{12345, 0});
  CHECK_FALSE(q.pending(TimerId{}));
  CHECK_FALSE(q.pending(TimerId{12345, 0}));
  CHECK_FALSE(q.pending(first));
  CHECK(q.pending(second));
  TimerId third = add(30, 2);
  q.cancel(third);
  q.cancel(third);
  q.run_until(Time{40});
  CHECK(labels == Labels{0, 1});
}

TEST_CASE_FIXTURE(Fixture,
                  "an event is no longer pending while it runs, and may cancel a later one") {
  TimerId self, later;
  bool self_pending = true;
  self = q.schedule(Time{5}, [this, &self, &later, &self_pending] {
    self_pending = q.pending(self);
    q.cancel(later);
  });
  later = add(6, 1);
  q.run_until(Time{10});
  CHECK_FALSE(self_pending);
  CHECK(labels.empty());
  CHECK(q.executed() == 1);
}

TEST_CASE_FIXTURE(Fixture,
                  "run_until(time) runs events up to the limit and sets the clock to the limit") {
  add(100, 0);
  TimerId later = add(101, 1), far = add(100'000, 2);
  q.run_until(Time{100});  // runs the event exactly at the limit, leaves later ones pending
  CHECK(labels == Labels{0});
  CHECK(q.now() == Time{100});
  CHECK(q.pending(later));
  CHECK(q.pending(far));
  CHECK(q.next_time() == Time{101});
  q.run_until(Time{200});  // the clock goes to the limit, not to the last event
  CHECK(q.now() == Time{200});
  q.run_until(Time{5'000'000});  // the queue empties on the way: still the limit
  CHECK(labels == Labels{0, 1, 2});
  CHECK(q.now() == Time{5'000'000});
  q.run_until(Time{100});  // never backwards
  CHECK(q.now() == Time{5'000'000});
}

TEST_CASE_FIXTURE(Fixture, "run_until(pred, limit) stops as soon as the predicate holds") {
  for (int i = 0; i < 10; ++i) add(10 * (i + 1), i);
  CHECK(q.run_until([this] { return labels.size() == 3; }, Time{1000}));
  CHECK(labels == Labels{0, 1, 2});
  CHECK(q.now() == Time{30});  // the clock stays at the event that satisfied it
  CHECK(q.run_until([] { return true; }, Time{1000}));  // already holds: runs nothing
  CHECK(labels.size() == 3);
  CHECK(q.now() == Time{30});
}

TEST_CASE_FIXTURE(Fixture,
                  "run_until(pred, limit) returns false at the limit with the clock at the limit") {
  add(10, 0);
  add(50, 1);  // exactly at the limit: runs
  add(51, 2);
  add(60'000, 3);
  auto never = [] { return false; };
  CHECK_FALSE(q.run_until(never, Time{50}));
  CHECK(labels == Labels{0, 1});
  CHECK(q.now() == Time{50});
  CHECK_FALSE(q.run_until(never, Time{40'000}));
  CHECK(q.now() == Time{40'000});
  CHECK(labels == Labels{0, 1, 2});
  CHECK_FALSE(q.run_until(never, Time{90'000}));  // empties, then goes to the limit
  CHECK(q.now() == Time{90'000});
  CHECK(labels == Labels{0, 1, 2, 3});
  CHECK_FALSE(q.run_until(never, Time{200}));  // never backwards
  CHECK(q.now() == Time{90'000});
}

TEST_CASE_FIXTURE(Fixture, "step runs one event at a time and returns false when empty") {
  CHECK_FALSE(q.step());
  CHECK(q.now() == Time{0});
  add(7, 0);
  add(3, 1);
  add(70'000, 2);
  CHECK(q.step());
  CHECK(labels == Labels{1});
  CHECK(q.now() == Time{3});
  CHECK(q.size() == 2);
  CHECK(q.step());
  CHECK(q.now() == Time{7});
  CHECK(q.step());
  CHECK(q.now() == Time{70'000});
  CHECK(labels == Labels{1, 0, 2});
  CHECK_FALSE(q.step());
  CHECK(q.now() == Time{70'000});
  CHECK(q.executed() == 3);
}

TEST_CASE_FIXTURE(Fixture, "callbacks may schedule more events, including at now") {
  Fixture* self = this;
  q.schedule(Time{10}, [self] {
    self->ran(0);
    self->add(10, 10);               // at now: after the already-queued event at 10
    self->add(11, 11);
    self->add(10 + kWheel, 12);      // into the heap from inside a callback
    self->add(10 + kWheel - 1, 13);  // the last bucket of the wheel
  });
  add(10, 1);
  add(11, 2);
  q.run_until(Time{10});
  CHECK(labels == Labels{0, 1, 10});
  q.run_until(Time{100'000});
  CHECK(labels == Labels{0, 1, 10, 2, 11, 13, 12});
  CHECK(times == std::vector<int64_t>{10, 10, 10, 11, 11, 10 + kWheel - 1, 10 + kWheel});

  // A chain of 1000 events, each scheduling the next at now, runs within one run_until.
  struct Chain {
    EventQueue* q;
    int* count;
    void operator()() const {
      if (++*count < 1000) q->after(Duration{0}, Chain{q, count});
    }
  };
  int count = 0, count_seen = -1;
  q.schedule(Time{100'000}, Chain{&q, &count});
  q.schedule(Time{100'000}, [&count, &count_seen] { count_seen = count; });  // after link 1
  q.run_until(Time{100'000});
  CHECK(count == 1000);
  CHECK(count_seen == 1);
  CHECK(q.now() == Time{100'000});
  CHECK(q.empty());
}

TEST_CASE("events at the 16384 us wheel boundary run in time order") {
  for (int64_t start : {int64_t{0}, int64_t{1}, int64_t{12'345}, 3 * kWheel - 1, 5 * kWheel}) {
    CAPTURE(start);
    Fixture f;
    f.q.run_until(Time{start});
    for (auto [delta, label] : {std::pair{kWheel + 1, 0}, {kWheel, 1}, {kWheel - 1, 2},
                                {2 * kWheel, 3}, {int64_t{0}, 4}, {int64_t{1}, 5}, {kWheel, 6}}) {
      f.add(start + delta, label);
    }
    f.q.run_until(Time{start + 10 * kWheel});
    CHECK(f.labels == Labels{4, 5, 2, 1, 6, 0, 3});
  }
}

TEST_CASE("far and near events interleave across many wraps of the wheel") {
  Tracker t;
  const int64_t until = 2'000'000;  // about 122 turns of the wheel
  size_t expected = 0;
  for (int64_t period : {int64_t{13}, int64_t{977}, kWheel - 1, kWheel, kWheel + 1,
                         int64_t{50'000}, int64_t{333'333}}) {
    for (int64_t start : {int64_t{0}, int64_t{5}, kWheel}) {
      t.periodic(start, period, until);
      expected += static_cast<size_t>((until - start) / period + 1);
    }
  }
  // One-shots spread over 0..200 ms, with repeats, and on either side of each wheel turn.
  for (int64_t i = 0; i < 5000; ++i, ++expected) t.periodic((i * 7919) % 200'000, 0, 0);
  for (int64_t k = 1; k < 20; ++k, expected += 3) {
    for (int64_t d : {kWheel * k - 1, kWheel * k, kWheel * k + 1}) t.periodic(d, 0, 0);
  }
  t.q.run_until(Time{until});
  t.check_sorted(expected);
  CHECK(t.q.empty());
}

TEST_CASE_FIXTURE(Fixture, "scheduling at now after run_until stopped short of a later event") {
  // run_until peeks at the next event without popping it; a push afterwards must still win.
  for (int64_t later : {int64_t{10'000}, int64_t{50'000}}) {  // in the wheel, in the heap
    CAPTURE(later);
    Fixture f;
    f.add(100, 0);
    f.add(later, 1);
    f.q.run_until(Time{5000});
    CHECK(f.q.now() == Time{5000});
    f.add(5000, 2);
    f.add(5001, 3);
    f.add(5000 + kWheel, 4);
    CHECK(f.q.step());
    CHECK(f.q.now() == Time{5000});
    CHECK(f.q.step());
    CHECK(f.q.now() == Time{5001});
    f.q.run_until(Time{100'000});
    CHECK(f.labels == (later < 5000 + kWheel ? Labels{0, 2, 3, 1, 4} : Labels{0, 2, 3, 4, 1}));
  }
  // The same after run_until(pred, limit) gave up at its limit.
  add(9000, 0);
  CHECK_FALSE(q.run_until([] { return false; }, Time{8000}));
  CHECK(q.next_time() == Time{9000});
  add(8000, 1);
  CHECK(q.next_time() == Time{8000});
  q.run_until(Time{9000});
  CHECK(labels == Labels{1, 0});
}

namespace {

struct TestGate final : EventQueue::Gate {
  Verdict verdict = Verdict::kRun;
  std::vector<std::pair<sim::NodeId, uint32_t>> admitted;  // node, incarnation
  std::vector<std::pair<EventOwner, sim::InlineFunction>> deferred;
  Verdict admit(EventOwner owner) override {
    admitted.emplace_back(owner.node, owner.incarnation);
    return verdict;
  }
  void defer(EventOwner owner, sim::InlineFunction fn) override {
    deferred.emplace_back(owner, std::move(fn));
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a gate returning kDrop drops owned events; others skip the gate") {
  add(1, 0, EventOwner{1, 1});  // no gate yet: owned events run
  q.run_until(Time{1});
  TestGate gate;
  gate.verdict = TestGate::Verdict::kDrop;
  q.set_gate(&gate);
  add(10, 1, EventOwner{3, 7});
  add(20, 2);                                // kernel
  add(30, 3, EventOwner{sim::kNoNode, 9});   // no node: kernel too
  add(40'000, 4, EventOwner{4, 1});
  q.cancel(add(50, 5, EventOwner{5, 5}));    // cancelled: the gate never sees it
  q.run_until(Time{100'000});
  CHECK(labels == Labels{0, 2, 3});
  CHECK(q.executed() == 3);
  CHECK(gate.admitted == decltype(gate.admitted){{3, 7}, {4, 1}});
  CHECK(gate.deferred.empty());
}

TEST_CASE_FIXTURE(Fixture, "a gate returning kDefer hands the event to defer, to run later") {
  TestGate gate;
  gate.verdict = TestGate::Verdict::kDefer;
  q.set_gate(&gate);
  add(10, 0, EventOwner{2, 5});
  add(20, 1);
  q.run_until(Time{100});
  CHECK(labels == Labels{1});
  CHECK(q.executed() == 1);
  REQUIRE(gate.deferred.size() == 1);
  CHECK(gate.deferred[0].first.node == 2);
  CHECK(gate.deferred[0].first.incarnation == 5);
  REQUIRE(static_cast<bool>(gate.deferred[0].second));
  // On resume the owner re-schedules the deferred callback; this time the gate admits it.
  gate.verdict = TestGate::Verdict::kRun;
  q.schedule(q.now(), std::move(gate.deferred[0].second), gate.deferred[0].first);
  q.run_until(Time{200});
  CHECK(labels == Labels{1, 0});
  CHECK(times == std::vector<int64_t>{20, 100});
  CHECK(gate.admitted == decltype(gate.admitted){{2, 5}, {2, 5}});
}

namespace {

// The reference: a std::map on (time, seq). Cancelled entries stay until they surface, as in
// the queue (size() counts them; stepping onto one moves the clock and runs nothing).
struct Model {
  struct Entry {
    int label;
    bool cancelled;
    int64_t child_delay;  // when it runs, it schedules a child this far ahead; < 0: none
  };
  int64_t now = 0;
  uint64_t seq = 0;
  std::map<std::pair<int64_t, uint64_t>, Entry> queue;
  std::vector<std::pair<int64_t, uint64_t>> key_of;  // by label
  Labels log;

  void schedule(int64_t delay, int64_t child_delay) {
    key_of.emplace_back(now + delay, seq++);
    queue[key_of.back()] = Entry{static_cast<int>(key_of.size() - 1), false, child_delay};
  }
  bool pending(size_t label) const {
    auto it = queue.find(key_of[label]);
    return it != queue.end() && !it->second.cancelled;
  }
  void cancel(size_t label) {
    if (pending(label)) queue.at(key_of[label]).cancelled = true;
  }
  bool step() {
    if (queue.empty()) return false;
    auto [key, entry] = *queue.begin();
    queue.erase(queue.begin());
    now = key.first;
    if (!entry.cancelled) {
      log.push_back(entry.label);
      if (entry.child_delay >= 0) schedule(entry.child_delay, -1);
    }
    return true;
  }
  bool due(int64_t limit) const { return !queue.empty() && queue.begin()->first.first <= limit; }
  // run_until(pred, limit) with pred "the log has `target` entries"; SIZE_MAX: run_until(limit).
  bool run_until(size_t target, int64_t limit) {
    while (log.size() < target) {
      if (!due(limit)) {
        now = std::max(now, limit);
        return false;
      }
      step();
    }
    return true;
  }
};

struct Real {
  EventQueue q;
  std::vector<TimerId> ids;  // by label
  Labels log;

  void schedule(int64_t delay, int64_t child_delay) {
    int label = static_cast<int>(ids.size());
    Real* self = this;
    ids.push_back(q.after(Duration{delay}, [self, label, child_delay] {
      self->log.push_back(label);
      if (child_delay >= 0) self->schedule(child_delay, -1);
    }));
  }
};

int64_t delay_of(int category, uint32_t raw) {
  switch (category) {
    case 0: return 0;
    case 1: return 1 + raw % 100;
    case 2: return raw % 20'001;
    case 3: return raw % 10'000'001;
    default: return kWheel * (1 + raw / 3 % 3) + raw % 3 - 1;  // around 1, 2, 3 wheel turns
  }
}

}  // namespace

TEST_CASE("random programs run in the same order as a reference model") {
  CHECK(rc::check("queue == std::map on (time, seq)", [] {
    using Op = std::tuple<int, int, uint32_t, int>;  // kind, delay category, raw, child's
    const auto ops = *rc::gen::container<std::vector<Op>>(rc::gen::tuple(
        rc::gen::inRange(0, 10), rc::gen::inRange(0, 5), rc::gen::arbitrary<uint32_t>(),
        rc::gen::inRange(0, 6)));
    Real real;
    Model model;
    for (const auto& [kind, category, raw, child] : ops) {
      const int64_t delay = delay_of(category, raw);
      if (kind <= 3) {  // schedule, maybe with a child scheduled when it runs
        const int64_t child_delay = child < 5 ? delay_of(child, raw / 7) : -1;
        real.schedule(delay, child_delay);
        model.schedule(delay, child_delay);
      } else if (kind == 4) {
        if (real.ids.empty()) continue;
        const size_t label = raw % real.ids.size();
        real.q.cancel(real.ids[label]);
        model.cancel(label);
      } else if (kind <= 6) {
        RC_ASSERT(real.q.step() == model.step());
      } else if (kind <= 8) {
        real.q.run_until(Time{model.now + delay});
        model.run_until(SIZE_MAX, model.now + delay);
      } else {
        const size_t target = real.log.size() + raw % 4;
        const int64_t limit = model.now + delay;
        const bool held =
            real.q.run_until([&real, target] { return real.log.size() >= target; }, Time{limit});
        RC_ASSERT(held == model.run_until(target, limit));
      }
      RC_ASSERT(real.q.now().us == model.now);
      RC_ASSERT(real.q.size() == model.queue.size());
      RC_ASSERT(real.log == model.log);
      for (size_t label = 0; label < real.ids.size(); ++label) {
        RC_ASSERT(real.q.pending(real.ids[label]) == model.pending(label));
      }
    }
    while (model.step()) RC_ASSERT(real.q.step());
    RC_ASSERT_FALSE(real.q.step());
    RC_ASSERT(real.log == model.log);
    RC_ASSERT(real.q.now().us == model.now);
  }));
}
