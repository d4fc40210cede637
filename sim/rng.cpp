#include "sim/rng.h"

namespace sim {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t hash_name(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return splitmix64(h);
}

Rng::Rng(uint64_t seed) : seed_(seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) word = splitmix64(state);
}

Rng Rng::derive(std::string_view name) const {
  // Scramble the seed before combining, so (seed, name) pairs do not cancel out by XOR.
  uint64_t state = seed_;
  uint64_t mixed = splitmix64(state) ^ hash_name(name);
  return Rng(splitmix64(mixed));
}

Rng::U128 Rng::redraw_if_biased(U128 m, uint64_t n) {
  uint64_t threshold = (0 - n) % n;
  while (static_cast<uint64_t>(m) < threshold) m = static_cast<U128>(next_u64()) * n;
  return m;
}

double Rng::real() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

bool Rng::bernoulli(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return real() < p;
}

}  // namespace sim
