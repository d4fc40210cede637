// The event queue: the simulated world's only clock.
//
// Events run in order of (time, insertion sequence), so two events at the same microsecond run
// in the order they were scheduled, on every run and every build. Each event may carry an owner
// (a node and its incarnation); the queue hands those to a gate that decides to run, drop
// (owner crashed since) or defer (owner paused) the event. Timers are cancellable through the
// TimerId returned when they were scheduled. Steady state allocates nothing: callbacks live
// inline in recycled slots, and the heap vector keeps its capacity.
#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "sim/inline_function.h"
#include "sim/calendar.h"
#include "sim/time.h"

namespace sim {

using NodeId = uint32_t;
constexpr NodeId kNoNode = UINT32_MAX;

// Who an event belongs to. Events of the kernel itself have node == kNoNode.
struct EventOwner {
  NodeId node = kNoNode;
  uint32_t incarnation = 0;
};

struct TimerId {
  uint32_t slot = UINT32_MAX;
  uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class EventQueue {
 public:
  // Decides what happens to an owned event when it comes due; kernel events always run.
  class Gate {
   public:
    enum class Verdict { kRun, kDrop, kDefer };
    virtual Verdict admit(EventOwner owner) = 0;
    // Receives an event whose owner is paused; the gate re-schedules it on resume.
    virtual void defer(EventOwner owner, InlineFunction fn) = 0;

   protected:
    ~Gate() = default;
  };

  Time now() const { return now_; }
  void set_gate(Gate* gate) { gate_ = gate; }

  // Schedules `fn` (a lambda, constructed in place, or an InlineFunction) to run at `at`.
  template <typename F>
  TimerId schedule(Time at, F&& fn, EventOwner owner = {}) {
    uint32_t slot = allocate_slot();
    if constexpr (std::is_same_v<std::decay_t<F>, InlineFunction>) {
      slot_at(slot).fn = std::move(fn);
    } else {
      slot_at(slot).fn.emplace(std::forward<F>(fn));
    }
    return enqueue(at, slot, owner);
  }
  template <typename F>
  TimerId after(Duration d, F&& fn, EventOwner owner = {}) {
    return schedule(now_ + d, std::forward<F>(fn), owner);
  }
  // Cancels a pending event; a no-op for one that already ran or was cancelled. A cancelled
  // event keeps its place (and counts in size()) until its time, when step() drops it.
  void cancel(TimerId id);
  bool pending(TimerId id) const;

  // Runs the next event, if any; returns false when the queue is empty.
  bool step();
  // Runs every event due at or before `limit`, then sets the clock to `limit`.
  void run_until(Time limit);
  // Runs events until `done()` holds (checked after each event) or the clock would pass
  // `limit`. Returns whether `done()` held.
  template <typename Pred>
  bool run_until(Pred done, Time limit) {
    while (!done()) {
      if (empty() || next_time() > limit) {
        if (now_ < limit) now_ = limit;
        return false;
      }
      step();
    }
    return true;
  }

  bool empty() const { return calendar_.empty(); }
  Time next_time();
  uint64_t executed() const { return executed_; }
  size_t size() const { return calendar_.size(); }

 private:
  // One cache line holds what running an event reads (owner, generation, the callable's
  // pointers and the first 32 bytes of its capture): due events are scattered in memory.
  struct alignas(64) Slot {
    EventOwner owner;
    uint32_t generation = 0;
    bool cancelled = false;
    InlineFunction fn;
  };

  // Slots live in fixed chunks, so a running callback's slot stays put while it schedules more.
  static constexpr uint32_t kChunkBits = 8;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;
  Slot& slot_at(uint32_t slot) { return chunks_[slot >> kChunkBits][slot & (kChunkSize - 1)]; }
  const Slot& slot_at(uint32_t slot) const {
    return chunks_[slot >> kChunkBits][slot & (kChunkSize - 1)];
  }
  uint32_t allocate_slot() {  // inline: every schedule() takes a slot
    if (free_slots_.empty()) return add_slot();
    uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  uint32_t add_slot();  // a slot never used before (and its chunk, every kChunkSize slots)
  TimerId enqueue(Time at, uint32_t slot, EventOwner owner);
  void run_slot(uint32_t slot);

  Time now_ = kTimeZero;
  uint64_t next_seq_ = 0;
  uint64_t executed_ = 0;
  Calendar calendar_;  // pending events by (time, sequence)
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t slot_count_ = 0;
  std::vector<uint32_t> free_slots_;
  Gate* gate_ = nullptr;
};

}  // namespace sim
