// Virtual time for the simulated world.
//
// Time is an integer count of microseconds since the start of a run; Duration is a signed
// span of microseconds. Both are distinct types so an interface never takes a bare integer.
// Nothing here reads a real clock: the only clock is the event queue's.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace sim {

struct Duration {
  int64_t us = 0;

  static constexpr Duration micros(int64_t n) { return {n}; }
  static constexpr Duration millis(int64_t n) { return {n * 1000}; }
  static constexpr Duration seconds(int64_t n) { return {n * 1000 * 1000}; }
  static constexpr Duration minutes(int64_t n) { return {n * 60 * 1000 * 1000}; }

  constexpr int64_t ms() const { return us / 1000; }
  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return {us + o.us}; }
  constexpr Duration operator-(Duration o) const { return {us - o.us}; }
  constexpr Duration operator*(int64_t k) const { return {us * k}; }
  constexpr Duration operator/(int64_t k) const { return {us / k}; }
  constexpr Duration& operator+=(Duration o) { us += o.us; return *this; }
};

struct Time {
  int64_t us = 0;  // since the start of the run

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Duration d) const { return {us + d.us}; }
  constexpr Time operator-(Duration d) const { return {us - d.us}; }
  constexpr Duration operator-(Time o) const { return {us - o.us}; }
  constexpr Time& operator+=(Duration d) { us += d.us; return *this; }
};

constexpr Time kTimeZero{0};
constexpr Time kTimeNever{INT64_MAX};

// Parses "30s", "1500ms", "250us", "2m", "1h", "1.5s" (at most microsecond precision).
// Throws InputError naming the string when it is malformed, negative or overflows.
Duration parse_duration(std::string_view text);

// Prints a duration in the largest unit that represents it exactly: "30s", "1500ms", "2m".
std::string format_duration(Duration d);

// Prints a point in time as seconds with millisecond precision: "30.012s".
std::string format_seconds(Time t);

}  // namespace sim
