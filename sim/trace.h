// The trace: every observable thing that happens in a run, as typed records.
//
// Records go to any number of sinks (a merged timeline, JSON Lines, a per-node log built by
// the model) and into a running 64-bit hash: two runs with the same scenario and seed must end
// with the same hash, on every build. Strings in a record are views that live only for the
// call to emit(); a sink that keeps them copies them.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace sim {

struct TraceRecord {
  Time t;
  std::string_view node;   // human name ("sentinel1"); empty for the world itself
  std::string_view addr;   // "127.0.0.1:26379"; empty when none
  std::string_view kind;   // server, sentinel, client, fault, cli, check, net
  char level = '*';        // Redis's log level marks: '.' debug, '-' verbose, '*' notice, '#'
  std::string_view event;  // a short stable name, or Sentinel's event name ("+sdown")
  std::string_view text;   // the message as Redis would log it, without its prefix
  int64_t wall_us = 0;     // the node's wall clock (unix us) when it logged this
  std::string_view tag;    // what a log line starts with, e.g. Redis's "1234:M"; may be empty
};

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void write(const TraceRecord& record) = 0;
};

// A 64-bit running hash over typed fields; independent of platform and build type. Inline:
// it runs for every record of every run.
class TraceHasher {
 public:
  void add(uint64_t value) { h_ = mix(h_, value); }
  void add(std::string_view bytes) {
    size_t n = bytes.size();
    // The length goes into the state first, so strings of different lengths never collide by
    // padding; short strings (most of a record's fields) then cost a single mix.
    h_ += n * 0xc2b2ae3d27d4eb4fULL;
    if (n > 8) {
      add_long(bytes.data(), n);
      return;
    }
    h_ = mix(h_, n == 8 ? load8(bytes.data()) : n > 0 ? load_tail(bytes.data(), n) : 0);
  }
  uint64_t value() const { return h_; }

 private:
  // The hash must be the same on every machine; redsim builds only for little-endian targets.
  static_assert(std::endian::native == std::endian::little);

  void add_long(const char* p, size_t n);  // out of line: the words of a string over 8 bytes

  static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v;
    h *= 0x9fb21c651e98df25ULL;
    return h ^ (h >> 29);
  }
  static uint64_t load8(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  // The last 1..7 bytes as one word. Overlapping reads cover every byte, so for a given
  // length the word is a function of the content (as in wyhash).
  static uint64_t load_tail(const char* p, size_t n) {
    if (n >= 4) {
      uint32_t a, b;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      return a | (uint64_t{b} << 32);
    }
    auto byte = [p](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])}; };
    return byte(0) | (byte(n / 2) << 8) | (byte(n - 1) << 16);
  }

  uint64_t h_ = 0x243f6a8885a308d3ULL;
};

class Trace {
 public:
  void add_sink(TraceSink* sink) { sinks_.push_back(sink); }
  // A live sink gets each record when its process logs it. A process blocked in Env::busy()
  // logs ahead of the world's time, and the trace holds those records back until the blocking
  // time ends (keeping the trace in time order); a live sink has them at once, while the
  // process's state is still the state it logged them in (the invariant checkers read it).
  void add_live_sink(TraceSink* sink) { live_sinks_.push_back(sink); }
  void remove_sink(TraceSink* sink);
  // A record logged ahead of the world's time, for the live sinks: emit() follows later.
  void emit_live(const TraceRecord& record);
  // Inline: every record of every run comes through here, and most runs have no sink.
  // `held` says emit_live() already gave it to the live sinks.
  void emit(const TraceRecord& record, bool held = false) {
    hasher_.add(static_cast<uint64_t>(record.t.us));
    hasher_.add(record.node);  // not the address: a node's address is fixed for the run
    hasher_.add(record.kind);
    hasher_.add(static_cast<uint64_t>(static_cast<unsigned char>(record.level)));
    hasher_.add(record.event);
    hasher_.add(record.text);
    hasher_.add(static_cast<uint64_t>(record.wall_us));
    hasher_.add(record.tag);
    ++records_;
    if (!sinks_.empty()) write_to_sinks(sinks_, record);
    if (!held && !live_sinks_.empty()) write_to_sinks(live_sinks_, record);
  }

  uint64_t hash() const { return hasher_.value(); }
  uint64_t records() const { return records_; }

 private:
  static void write_to_sinks(const std::vector<TraceSink*>& sinks, const TraceRecord& record);

  std::vector<TraceSink*> sinks_;
  std::vector<TraceSink*> live_sinks_;
  TraceHasher hasher_;
  uint64_t records_ = 0;
};

// One line per record, times relative to `origin`: "    30.012s sentinel1  # +sdown ...".
class TimelineSink : public TraceSink {
 public:
  explicit TimelineSink(std::ostream& out, Time origin = kTimeZero)
      : out_(out), origin_(origin) {}
  void write(const TraceRecord& record) override;

 private:
  std::ostream& out_;
  Time origin_;
};

// One JSON object per line with the fields of ../shared/design.md:
// {"t_us":..,"node":..,"addr":..,"kind":..,"level":..,"event":..,"text":..}
class JsonLinesSink : public TraceSink {
 public:
  explicit JsonLinesSink(std::ostream& out) : out_(out) {}
  void write(const TraceRecord& record) override;

 private:
  std::ostream& out_;
};

// Appends `text` to `out` as the body of a JSON string (quotes not included).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace sim
