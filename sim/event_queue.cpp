#include "sim/event_queue.h"

#include <cassert>

namespace sim {

uint32_t EventQueue::add_slot() {
  if (slot_count_ % kChunkSize == 0) {
    chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
    calendar_.reserve_slots(slot_count_ + kChunkSize);
  }
  return slot_count_++;
}

TimerId EventQueue::enqueue(Time at, uint32_t slot, EventOwner owner) {
  assert(at >= now_ && "events cannot be scheduled in the past");
  Slot& s = slot_at(slot);
  s.owner = owner;
  s.cancelled = false;
  Calendar::Key key = (static_cast<Calendar::Key>(static_cast<uint64_t>(at.us)) << 64) | next_seq_++;
  calendar_.push(key, slot, now_);
  return TimerId{slot, s.generation};
}

void EventQueue::cancel(TimerId id) {
  if (!pending(id)) return;
  Slot& s = slot_at(id.slot);
  s.cancelled = true;
  s.fn.reset();  // release captures now; the heap entry is skipped when it surfaces
}

bool EventQueue::pending(TimerId id) const {
  if (!id.valid() || id.slot >= slot_count_) return false;
  const Slot& s = slot_at(id.slot);
  return s.generation == id.generation && !s.cancelled && static_cast<bool>(s.fn);
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
  Slot& s = slot_at(slot);
  ++s.generation;  // from here on, cancel() of this event is a no-op
  auto verdict = Gate::Verdict::kRun;
  if (s.cancelled) {
    verdict = Gate::Verdict::kDrop;
  } else if (s.owner.node != kNoNode && gate_ != nullptr) {
    verdict = gate_->admit(s.owner);
  }
  switch (verdict) {
    case Gate::Verdict::kRun:
      ++executed_;
      s.fn();  // in place: the slot is not reused until it is freed below
      s.fn.reset();
      break;
    case Gate::Verdict::kDefer:
      gate_->defer(s.owner, std::move(s.fn));
      break;
    case Gate::Verdict::kDrop:
      s.fn.reset();
      break;
  }
  free_slots_.push_back(slot);
}

}  // namespace sim
