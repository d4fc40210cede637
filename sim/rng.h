// The simulator's own random numbers: xoshiro256** seeded through splitmix64.
//
// The standard library's distributions are implementation-defined, so every helper here is
// ours and gives the same draws on every compiler. Streams are derived by name
// (`derive("replica1/jitter")`): a stream's draws depend only on the root seed and its name,
// so a new draw in one place never reshuffles another.
#pragma once

#include <cassert>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

namespace sim {

uint64_t splitmix64(uint64_t& state);
// A stable 64-bit hash of a string (FNV-1a, then mixed); used to name streams.
uint64_t hash_name(std::string_view name);

class Rng {
 public:
  explicit Rng(uint64_t seed);

  // A child stream named `name`; deriving the same name twice gives the same stream.
  Rng derive(std::string_view name) const;
  uint64_t seed() const { return seed_; }

  // Inline: every message delivery and jittered timer draws once.
  uint64_t next_u64() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [lo, hi], both inclusive, without modulo bias (Lemire's method). Always
  // inlined: GCC otherwise keeps one out-of-line copy whose call costs a third of the draw.
  [[gnu::always_inline]] uint64_t uniform(uint64_t lo, uint64_t hi) {
    assert(lo <= hi);
    uint64_t range = hi - lo;
    if (range == UINT64_MAX) return next_u64();
    uint64_t n = range + 1;
    // Multiply into 128 bits; only a low product below n can be one of the biased few.
    U128 m = static_cast<U128>(next_u64()) * n;
    if (static_cast<uint64_t>(m) < n) m = redraw_if_biased(m, n);
    return lo + static_cast<uint64_t>(m >> 64);
  }
  int64_t uniform_signed(int64_t lo, int64_t hi) {
    assert(lo <= hi);
    uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + uniform(0, span));
  }
  // Uniform in [0, 1) with 53 random bits.
  double real();
  // True with probability p (p <= 0: never, p >= 1: always).
  bool bernoulli(double p);
  // True once in n draws on average (n >= 1).
  bool one_in(uint64_t n) { return uniform(0, n - 1) == 0; }

  template <typename T>
  const T& choice(std::span<const T> items) {
    assert(!items.empty());
    return items[uniform(0, items.size() - 1)];
  }
  // Fisher-Yates, our own, so the permutation is the same on every standard library.
  template <typename T>
  void shuffle(std::span<T> items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[uniform(0, i - 1)]);
  }

 private:
  __extension__ typedef unsigned __int128 U128;  // GCC and Clang both have it

  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // Lemire's rejection step, out of line: it runs about once in 2^64 / n draws.
  U128 redraw_if_biased(U128 m, uint64_t n);

  uint64_t seed_;
  uint64_t s_[4];
};

}  // namespace sim
