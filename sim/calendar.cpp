#include "sim/calendar.h"

#include <cassert>

namespace sim {

Calendar::Calendar()
    : buckets_(kWheelSize), bits_(kWords, 0) {}

void Calendar::push(Key key, uint32_t slot, Time now) {
  Time at = time_of(key);
  assert(at >= now);
  if (at.us - now.us >= kWheelSize) {
    heap_push(HeapEntry{key, slot});
    return;
  }
  assert(slot < entries_.size() && "reserve_slots() first");
  auto bucket = static_cast<uint32_t>(at.us) & (kWheelSize - 1);
  entries_[slot] = Entry{key, kNoSlot};
  Bucket& b = buckets_[bucket];
  if (b.head == kNoSlot) {
    b.head = slot;
    set_bit(bucket);
  } else {
    entries_[b.tail].next = slot;  // same time, later sequence: the end of the FIFO
  }
  b.tail = slot;
  ++wheel_count_;
}

Calendar::Key Calendar::top(Time now, uint32_t* slot) {
  assert(!empty());
  top_in_wheel_ = false;
  if (wheel_count_ > 0) {
    top_bucket_ = first_bucket_from(static_cast<uint32_t>(now.us) & (kWheelSize - 1));
    uint32_t s = buckets_[top_bucket_].head;
    if (heap_.empty() || entries_[s].key < heap_.front().key) {
      top_in_wheel_ = true;
      *slot = s;
      return entries_[s].key;
    }
  }
  *slot = heap_.front().slot;
  return heap_.front().key;
}

void Calendar::pop_top() {
  if (!top_in_wheel_) {
    heap_pop();
    return;
  }
  Bucket& b = buckets_[top_bucket_];
  b.head = entries_[b.head].next;
  if (b.head == kNoSlot) {
    b.tail = kNoSlot;
    clear_bit(top_bucket_);
  }
  --wheel_count_;
}

// The first non-empty bucket at or after `bucket`, going round the wheel once.
uint32_t Calendar::first_bucket_from(uint32_t bucket) const {
  uint32_t word = bucket / 64;
  uint64_t here = bits_[word] & (~uint64_t{0} << (bucket % 64));
  if (here != 0) return word * 64 + static_cast<uint32_t>(__builtin_ctzll(here));
  // Later words, then from the start of the wheel (wrapping) up to and including `word`.
  for (uint32_t pass = 0; pass < 2; ++pass) {
    uint32_t from = pass == 0 ? word + 1 : 0;
    for (uint32_t s = from / 64; s < kWords / 64; ++s) {
      uint64_t mask = summary_[s];
      if (s == from / 64) mask &= ~uint64_t{0} << (from % 64);
      if (mask == 0) continue;
      uint32_t w = s * 64 + static_cast<uint32_t>(__builtin_ctzll(mask));
      return w * 64 + static_cast<uint32_t>(__builtin_ctzll(bits_[w]));
    }
  }
  assert(false && "first_bucket_from called on an empty wheel");
  return 0;
}

void Calendar::set_bit(uint32_t bucket) {
  uint32_t word = bucket / 64;
  bits_[word] |= uint64_t{1} << (bucket % 64);
  summary_[word / 64] |= uint64_t{1} << (word % 64);
}

void Calendar::clear_bit(uint32_t bucket) {
  uint32_t word = bucket / 64;
  bits_[word] &= ~(uint64_t{1} << (bucket % 64));
  if (bits_[word] == 0) summary_[word / 64] &= ~(uint64_t{1} << (word % 64));
}

void Calendar::heap_push(HeapEntry e) {
  heap_.push_back(e);
  sift_up(heap_.size() - 1, e);
}

// Moves the hole at `hole` up while its parent is larger, then puts `e` there.
void Calendar::sift_up(size_t hole, HeapEntry e) {
  while (hole > 0) {
    size_t parent = (hole - 1) / 2;
    if (heap_[parent].key <= e.key) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = e;
}

// Floyd's bottom-up removal: the hole walks down along the smaller children to a leaf, then
// the last entry sifts up from there (usually not far: it came from the bottom).
void Calendar::heap_pop() {
  HeapEntry last = heap_.back();
  heap_.pop_back();
  size_t n = heap_.size();
  if (n == 0) return;
  size_t hole = 0;
  for (size_t child = 1; child < n; child = 2 * hole + 1) {
    if (child + 1 < n && heap_[child + 1].key < heap_[child].key) ++child;
    heap_[hole] = heap_[child];
    hole = child;
  }
  sift_up(hole, last);
}

}  // namespace sim
