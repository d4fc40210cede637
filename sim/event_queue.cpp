#include "sim/event_queue.h"

#include <cassert>

namespace sim {

uint32_t EventQueue::allocate_slot() {
  if (!free_slots_.empty()) {
    uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  slots_.emplace_back();
  return static_cast<uint32_t>(slots_.size() - 1);
}

TimerId EventQueue::schedule(Time at, InlineFunction fn, EventOwner owner) {
  assert(at >= now_ && "events cannot be scheduled in the past");
  uint32_t slot = allocate_slot();
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.owner = owner;
  s.cancelled = false;
  Calendar::Key key = (static_cast<Calendar::Key>(static_cast<uint64_t>(at.us)) << 64) | next_seq_++;
  calendar_.push(key, slot, now_);
  return TimerId{slot, s.generation};
}

void EventQueue::cancel(TimerId id) {
  if (!pending(id)) return;
  Slot& s = slots_[id.slot];
  s.cancelled = true;
  s.fn.reset();  // release captures now; the heap entry is skipped when it surfaces
}

bool EventQueue::pending(TimerId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].generation == id.generation &&
         !slots_[id.slot].cancelled && static_cast<bool>(slots_[id.slot].fn);
}

Time EventQueue::next_time() {
  uint32_t slot;
  return Calendar::time_of(calendar_.top(now_, &slot));
}

bool EventQueue::step() {
  if (calendar_.empty()) return false;
  uint32_t slot;
  now_ = Calendar::time_of(calendar_.top(now_, &slot));
  calendar_.pop_top();
  run_slot(slot);
  return true;
}

void EventQueue::run_until(Time limit) {
  while (!calendar_.empty()) {
    uint32_t slot;
    Time at = Calendar::time_of(calendar_.top(now_, &slot));
    if (at > limit) break;
    now_ = at;
    calendar_.pop_top();
    run_slot(slot);
  }
  if (now_ < limit) now_ = limit;
}

void EventQueue::run_slot(uint32_t slot) {
  Slot& s = slots_[slot];
  bool cancelled = s.cancelled;
  EventOwner owner = s.owner;
  // Move the callback out before running it: it may schedule events, which may grow slots_.
  InlineFunction fn = std::move(s.fn);
  ++s.generation;
  free_slots_.push_back(slot);
  if (cancelled) return;

  auto verdict = Gate::Verdict::kRun;
  if (owner.node != kNoNode && gate_ != nullptr) verdict = gate_->admit(owner);
  switch (verdict) {
    case Gate::Verdict::kRun:
      ++executed_;
      fn();
      break;
    case Gate::Verdict::kDefer:
      gate_->defer(owner, std::move(fn));
      break;
    case Gate::Verdict::kDrop:
      break;
  }
}

}  // namespace sim
