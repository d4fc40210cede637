// The trace: every observable thing that happens in a run, as typed records.
//
// Records go to any number of sinks (a merged timeline, JSON Lines, a per-node log built by
// the model) and into a running 64-bit hash: two runs with the same scenario and seed must end
// with the same hash, on every build. Strings in a record are views that live only for the
// call to emit(); a sink that keeps them copies them.
#pragma once

#include <cstdint>
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

// A 64-bit running hash over typed fields; independent of platform and build type.
class TraceHasher {
 public:
  void add(uint64_t value);
  void add(std::string_view bytes);
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0x243f6a8885a308d3ULL;
};

class Trace {
 public:
  void add_sink(TraceSink* sink) { sinks_.push_back(sink); }
  void remove_sink(TraceSink* sink);
  void emit(const TraceRecord& record);

  uint64_t hash() const { return hasher_.value(); }
  uint64_t records() const { return records_; }

 private:
  std::vector<TraceSink*> sinks_;
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
