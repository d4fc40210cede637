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
  heap_.push_back(Entry{at, next_seq_++, slot});
  sift_up(heap_.size() - 1);
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

bool EventQueue::step() {
  if (heap_.empty()) return false;
  Entry top = heap_.front();
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);

  Slot& s = slots_[top.slot];
  bool cancelled = s.cancelled;
  EventOwner owner = s.owner;
  // Move the callback out before running it: it may schedule events, which may grow slots_.
  InlineFunction fn = std::move(s.fn);
  ++s.generation;
  free_slots_.push_back(top.slot);
  now_ = top.at;
  if (cancelled) return true;

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
  return true;
}

void EventQueue::run_until(Time limit) {
  while (!heap_.empty() && heap_.front().at <= limit) step();
  if (now_ < limit) now_ = limit;
}

void EventQueue::sift_up(size_t i) {
  Entry e = heap_[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!later(heap_[parent], e)) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::sift_down(size_t i) {
  Entry e = heap_[i];
  size_t n = heap_.size();
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && later(heap_[child], heap_[child + 1])) ++child;
    if (!later(e, heap_[child])) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = e;
}

}  // namespace sim
