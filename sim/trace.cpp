#include "sim/trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <string>

namespace sim {

void TraceHasher::add_long(const char* p, size_t n) {
  for (; n >= 8; p += 8, n -= 8) h_ = mix(h_, load8(p));
  if (n > 0) h_ = mix(h_, load_tail(p, n));
}

void Trace::remove_sink(TraceSink* sink) {
  std::erase(sinks_, sink);
  std::erase(live_sinks_, sink);
}

void Trace::emit_live(const TraceRecord& record) { write_to_sinks(live_sinks_, record); }

void Trace::write_to_sinks(const std::vector<TraceSink*>& sinks, const TraceRecord& record) {
  for (TraceSink* sink : sinks) sink->write(record);
}

void TimelineSink::write(const TraceRecord& record) {
  // Multi-line texts (a redis-cli reply, an INFO dump) continue under the first line's text.
  std::string prefix = fmt::format("{:>11} {:<10} {} ",
                                   format_seconds(Time{} + (record.t - origin_)),
                                   record.node.empty() ? std::string_view("-") : record.node,
                                   record.level);
  std::string_view text = record.text;
  if (text.ends_with('\n')) text.remove_suffix(1);
  std::string out;
  for (bool first = true;; first = false) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out += first ? prefix : std::string(prefix.size(), ' ');
    out += line;
    out += '\n';
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  out_ << out;
}

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 if it is not one.
size_t utf8_sequence_length(std::string_view s) {
  auto byte = [&s](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char lead = byte(0);
  size_t n = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
  if (n == 0 || s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
  }
  // Overlong three- and four-byte forms, surrogates, and code points past U+10FFFF.
  if ((lead == 0xe0 && byte(1) < 0xa0) || (lead == 0xed && byte(1) >= 0xa0) ||
      (lead == 0xf0 && byte(1) < 0x90) || (lead == 0xf4 && byte(1) >= 0x90)) {
    return 0;
  }
  return n;
}

void append_json_escaped(std::string& out, std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else if (u < 0x80) {
      out += c;
    } else if (size_t n = utf8_sequence_length(text.substr(i)); n > 0) {
      out.append(text.substr(i, n));  // valid UTF-8 (e.g. Chinese explanations) stays as is
      i += n - 1;
    } else {
      out += fmt::format("\\u{:04x}", u);  // a stray byte (binary key data): as U+00XX
    }
  }
}

void JsonLinesSink::write(const TraceRecord& r) {
  std::string line = fmt::format("{{\"t_us\":{},\"node\":\"", r.t.us);
  append_json_escaped(line, r.node);
  line += "\",\"addr\":\"";
  append_json_escaped(line, r.addr);
  line += "\",\"kind\":\"";
  append_json_escaped(line, r.kind);
  line += "\",\"level\":\"";
  append_json_escaped(line, std::string_view(&r.level, 1));
  line += "\",\"event\":\"";
  append_json_escaped(line, r.event);
  line += "\",\"text\":\"";
  append_json_escaped(line, r.text);
  line += "\"}\n";
  out_ << line;
}

}  // namespace sim
