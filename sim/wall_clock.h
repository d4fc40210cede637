// A node's wall clock (what gettimeofday() returns on that machine). Timers run on the
// monotonic virtual clock; the wall clock can be offset, jumped and drifted, and each node's
// is its own, so a jump is seen by that node alone. Sentinel's TILT mode watches this clock.
#pragma once

#include <cstdint>

#include "sim/time.h"

namespace sim {

class WallClock {
 public:
  // Unix time in microseconds at virtual time `now`, for a world whose virtual zero is
  // `epoch_unix_us`.
  int64_t unix_us(Time now, int64_t epoch_unix_us) const {
    return epoch_unix_us + now.us + offset_us_ + drift_us(now);
  }
  void jump(Duration by) { offset_us_ += by.us; }
  // From `now` on, the clock gains `ppm` microseconds per second (negative: loses).
  void set_drift(Time now, int64_t ppm) {
    offset_us_ += drift_us(now);
    drift_ppm_ = ppm;
    drift_since_ = now;
  }

 private:
  int64_t drift_us(Time now) const {
    return drift_ppm_ == 0 ? 0 : (now.us - drift_since_.us) * drift_ppm_ / 1000000;
  }

  int64_t offset_us_ = 0;
  int64_t drift_ppm_ = 0;
  Time drift_since_;
};

}  // namespace sim
