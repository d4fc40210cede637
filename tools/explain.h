// `redsim run --explain`: one plain sentence under each replication event saying what it means,
// in English or in simplified Chinese (`--lang zh`).
//
// The sentences live in one table (explain.cpp), one row per event: the record's kind, its key,
// and the sentence in each language. A server's or a sentinel's record is keyed by its event
// name ("full-resync", "+sdown"); a fault's record (event "fault") by the step's verb,
// the leading words of its text ("kill -9", "start", "host down"). Adding an event is adding
// one row. Records without a row (redis-cli output, checks, the server's start-up banner) get
// no sentence. Explanations are printed only: they never enter the trace or its hash.
#pragma once

#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sim/trace.h"

namespace tools {

enum class Language { kEnglish, kChinese };

// One row of the table.
struct Explanation {
  std::string_view kind;  // the trace record's kind: server, sentinel or fault
  std::string_view key;   // the event name; for a fault, the step's verb ("kill -9")
  std::string_view en;
  std::string_view zh;
};

// Every row, in table order.
std::span<const Explanation> explanation_table();

// "en" or "zh"; nullopt for anything else.
std::optional<Language> parse_language(std::string_view code);

// The sentence that explains `record`, or "" when the table has none for it.
std::string_view explain(const sim::TraceRecord& record, Language language);

// How an explanation is laid out under the line it explains.
enum class ExplainLayout {
  kTimeline,  // under the text column of a TimelineSink line
  kRedisLog,  // under the text of a RedisLogSink line (records with a log tag only)
};

// Writes, after each record that the sink before it printed and that has an explanation, one
// line `<indent>= <sentence>`. Add it to the trace right after the sink it annotates, on the
// same stream.
class ExplainSink : public sim::TraceSink {
 public:
  // `node`: with kRedisLog, the one node whose log is printed ("" for all), as RedisLogSink.
  ExplainSink(std::ostream& out, Language language, ExplainLayout layout, std::string node);
  void write(const sim::TraceRecord& record) override;

 private:
  bool printed(const sim::TraceRecord& record) const;
  size_t indent(const sim::TraceRecord& record) const;

  std::ostream& out_;
  Language language_;
  ExplainLayout layout_;
  std::string node_;
};

}  // namespace tools
