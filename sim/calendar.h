// The event queue's priority queue: pending events ordered by a 128-bit key (time in the
// high 64 bits, then a unique sequence number), each naming a slot.
//
// Most events in a simulation are due within milliseconds (deliveries, short timers), so they
// go into a timing wheel of 1 us buckets covering the next kWheelSize us: every event in a
// bucket has the same time, so a bucket is a FIFO list in sequence order and needs no
// comparisons. Later events wait in a binary heap. The next event is the smaller of the
// wheel's first bucket at or after now and the heap's top. Two bitmap levels find the first
// non-empty bucket in a few word operations. REQUIRES: no key earlier than `now` is pushed.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace sim {

class Calendar {
 public:
  __extension__ typedef unsigned __int128 Key;
  static constexpr uint32_t kNoSlot = UINT32_MAX;

  static Time time_of(Key key) { return Time{static_cast<int64_t>(key >> 64)}; }

  Calendar();
  bool empty() const { return wheel_count_ == 0 && heap_.empty(); }
  size_t size() const { return wheel_count_ + heap_.size(); }

  // Makes room for slots numbered below `count`; push() requires it.
  void reserve_slots(size_t count) { entries_.resize(count); }
  // `now` is the queue's clock: no key pushed or pending is earlier.
  void push(Key key, uint32_t slot, Time now);
  // The smallest pending key and its slot. REQUIRES: !empty().
  Key top(Time now, uint32_t* slot);
  // Removes what top() returned (call top() first, with no push in between).
  void pop_top();

 private:
  static constexpr uint32_t kWheelBits = 14;
  static constexpr uint32_t kWheelSize = 1u << kWheelBits;  // 16.4 ms of 1 us buckets
  static constexpr uint32_t kWords = kWheelSize / 64;

  struct HeapEntry {
    Key key;
    uint32_t slot;
  };
  // Per slot, for events in the wheel: key and link together, one cache line to pop.
  struct Entry {
    Key key;
    uint32_t next;  // the next slot in its bucket
  };
  // A bucket's FIFO of slots, first and last in one place: a push reads and writes both.
  struct Bucket {
    uint32_t head = kNoSlot;
    uint32_t tail = kNoSlot;
  };

  uint32_t first_bucket_from(uint32_t bucket) const;
  void set_bit(uint32_t bucket);
  void clear_bit(uint32_t bucket);
  // Out of line so the wheel's path through push() stays small enough to inline.
  [[gnu::noinline]] void heap_push(HeapEntry e);
  void sift_up(size_t hole, HeapEntry e);
  void heap_pop();

  std::vector<Bucket> buckets_;
  std::vector<Entry> entries_;         // per slot
  std::vector<uint64_t> bits_;         // bit per bucket: non-empty
  uint64_t summary_[kWords / 64] = {};  // bit per word of bits_: non-zero
  size_t wheel_count_ = 0;
  std::vector<HeapEntry> heap_;        // binary min-heap of the events beyond the wheel
  // What top() found, for pop_top().
  bool top_in_wheel_ = false;
  uint32_t top_bucket_ = 0;
};

}  // namespace sim
