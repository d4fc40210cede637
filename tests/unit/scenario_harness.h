// Helpers for the scenario loader's tests: a standard set of nodes, diagnostics as short
// strings, and the mutations the fuzz properties apply to valid scenarios.
#pragma once

#include <fmt/format.h>
#include <rapidcheck.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "tools/scenario.h"

namespace test {

// master 127.0.0.1:6379, replica1 :6380 and replica2 :6381 (replicas by config), sentinel1
// :26379 monitoring master as mymaster; no warnings.
inline constexpr std::string_view kNodes =
    R"("nodes": {"master": {"addr": "127.0.0.1:6379"}, )"
    R"("replica1": {"addr": "127.0.0.1:6380", "conf": ["replicaof 127.0.0.1 6379"]}, )"
    R"("replica2": {"addr": "127.0.0.1:6381", "conf": ["replicaof 127.0.0.1 6379"]}, )"
    R"("sentinel1": {"addr": "127.0.0.1:26379", "sentinel": true, )"
    R"("conf": ["sentinel monitor mymaster 127.0.0.1 6379 2"]}})";

// A scenario with kNodes, until 100s, and the members `more`, which start at line 3, column 1.
inline std::string scenario_with(std::string_view more) {
  return fmt::format("{{\"name\": \"t\", \"until\": \"100s\",\n{},\n{}}}", kNodes, more);
}

// Diagnostics as short strings; a failed check prints them one per line. (A type of its own:
// a doctest printer for std::vector<std::string> would clash with other test files'.)
struct Lines {
  std::vector<std::string> lines;

  Lines() = default;
  Lines(std::initializer_list<std::string> l) : lines(l) {}
  bool operator==(const Lines&) const = default;
  bool empty() const { return lines.empty(); }
  const std::string& operator[](size_t i) const { return lines.at(i); }
  void push_back(std::string line) { lines.push_back(std::move(line)); }
};

inline std::ostream& operator<<(std::ostream& out, const Lines& l) {
  out << "{";
  for (const std::string& line : l.lines) out << "\n  " << line;
  return out << "\n}";
}

// Every error then every warning of `text`, as "line:col path: message".
inline Lines diagnostics(std::string_view text) {
  tools::LoadResult r = tools::load_scenario("t.jsonc", text);
  Lines out;
  for (const auto* list : {&r.errors, &r.warnings}) {
    for (const tools::Diagnostic& d : *list) {
      out.push_back(fmt::format("{}:{} {}: {}", d.line, d.col, d.path, d.message));
    }
  }
  return out;
}

// Whether line:col is a place in `text`: one of its lines, a column (in characters) up to one
// past the line's last character.
inline bool inside(std::string_view text, uint32_t line, uint32_t col) {
  uint32_t at_line = 1, chars = 0;
  for (char c : text) {
    if (c == '\n' && at_line == line) break;
    if (c == '\n') {
      ++at_line;
      chars = 0;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++chars;
    }
  }
  return at_line == line && col >= 1 && col <= chars + 1;
}

// One random edit of `text`: a byte changed, a range deleted, duplicated or replaced by random
// bytes, the text truncated, or deep nesting inserted. Call inside a rapidcheck property.
inline std::string mutate(std::string text) {
  size_t at = *rc::gen::inRange<size_t>(0, text.size() + 1);
  size_t len = std::min(*rc::gen::inRange<size_t>(0, 40), text.size() - at);
  switch (*rc::gen::inRange(0, 6)) {
    case 0:
      if (at < text.size()) {
        text[at] = *rc::gen::oneOf(rc::gen::arbitrary<char>(),
                                   rc::gen::element('{', '}', '[', ']', '"', ',', ':', '/', '\\',
                                                    '\n', ' ', '-', '9'));
      }
      return text;
    case 1: return text.erase(at, len);
    case 2: return text.insert(at, text.substr(at, len));
    case 3: return text.replace(at, len, *rc::gen::arbitrary<std::string>());
    case 4: return text.substr(0, at);
    default: {
      size_t depth = *rc::gen::inRange<size_t>(1, 200);
      std::string open = *rc::gen::element<std::string>("[", "{\"a\":", "[{\"do\": ");
      std::string nested;
      for (size_t i = 0; i < depth; ++i) nested += open;
      return text.insert(at, nested);
    }
  }
}

}  // namespace test

