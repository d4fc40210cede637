// Diagnostics, typed readers and name resolution for the scenario loader.
#include "tools/scenario_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "sim/error.h"

namespace tools::scenario_detail {
namespace {

using jsonc::Kind;
using jsonc::Value;

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions
// of neighbours each cost 1. REQUIRES: both at most kMaxSuggestLength long.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string got(const Value& v) {
  if (v.kind == Kind::kString) return fmt::format("got the string {}", jsonc::quote(v.text));
  if (v.kind == Kind::kNumber) return fmt::format("got the number {}", v.text);
  if (v.kind == Kind::kBool) return v.boolean ? "got true" : "got false";
  return fmt::format("got {}", jsonc::kind_name(v.kind));
}

bool is_integer_literal(const Value& v) {
  return v.kind == Kind::kNumber && v.text.find_first_of(".eE") == std::string::npos;
}

}  // namespace

Diagnostic Diagnostics::make(Diagnostic::Severity severity, jsonc::Position pos,
                             std::string path, std::string message) const {
  return {severity, file_, pos.line, pos.col, std::move(path), std::move(message)};
}

void Diagnostics::error(jsonc::Position pos, std::string path, std::string message) {
  if (full()) return;
  errors_.push_back(make(Diagnostic::Severity::kError, pos, std::move(path), std::move(message)));
  if (full()) {
    last_ = make(Diagnostic::Severity::kError, pos, errors_.back().path,
                 fmt::format("reached the limit of {} errors: stopped checking here", kMaxErrors));
  }
}

void Diagnostics::warning(jsonc::Position pos, std::string path, std::string message) {
  warnings_.push_back(make(Diagnostic::Severity::kWarning, pos, std::move(path),
                           std::move(message)));
}

void Diagnostics::finish(LoadResult& result) {
  sort_by_position(errors_);
  sort_by_position(warnings_);
  if (last_) errors_.push_back(std::move(*last_));
  result.errors = std::move(errors_);
  result.warnings = std::move(warnings_);
}

std::optional<std::string_view> closest(std::string_view given,
                                        std::span<const std::string_view> candidates) {
  if (given.size() > kMaxSuggestLength || candidates.size() > kMaxSuggestCandidates) {
    return std::nullopt;
  }
  size_t allowed = given.size() < 4 ? 1 : given.size() < 9 ? 2 : 3;
  std::optional<std::string_view> best;
  size_t best_distance = allowed + 1;
  for (std::string_view c : candidates) {
    if (c.size() > kMaxSuggestLength) continue;
    size_t distance = edit_distance(given, c);
    if (distance > 0 && distance < best_distance) {
      best = c;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view given, std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best = closest(given, candidates);
  return best ? fmt::format(" (did you mean {}?)", jsonc::quote(*best)) : "";
}

std::string list_words(std::span<const std::string_view> words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

bool is_info_field(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

ObjectReader::ObjectReader(Diagnostics& d, const Value& value, std::string object_path,
                           std::span<const std::string_view> keys)
    : d_(d), value_(value), path_(std::move(object_path)), keys_(keys) {
  if (value.kind != Kind::kObject) {
    d.error(value.pos, path_, fmt::format("expected an object, {}", got(value)));
    return;
  }
  ok_ = true;
  for (const jsonc::Member& m : value.members) {
    if (std::find(keys.begin(), keys.end(), m.key) != keys.end()) continue;
    d.error(m.key_pos, path(m.key),
            fmt::format("unknown key {}{}: expected {}", jsonc::quote(m.key),
                        did_you_mean(m.key, keys), list_words(keys)));
  }
}

const Value* ObjectReader::get(std::string_view key) const {
  bool known = std::find(keys_.begin(), keys_.end(), key) != keys_.end();
  return ok_ && known ? value_.find(key) : nullptr;
}

const Value* ObjectReader::require(std::string_view key, std::string_view what) const {
  if (!ok_) return nullptr;
  const Value* v = value_.find(key);
  if (v == nullptr) {
    d_.error(value_.pos, path_, fmt::format("missing {}: expected {}", jsonc::quote(key), what));
  }
  return v;
}

std::optional<std::string> read_string(Diagnostics& d, const Value& v, const std::string& path) {
  if (v.kind == Kind::kString) return v.text;
  d.error(v.pos, path, fmt::format("expected a string, {}", got(v)));
  return std::nullopt;
}

std::optional<bool> read_bool(Diagnostics& d, const Value& v, const std::string& path) {
  if (v.kind == Kind::kBool) return v.boolean;
  d.error(v.pos, path, fmt::format("expected true or false, {}", got(v)));
  return std::nullopt;
}

std::optional<uint64_t> read_uint64(Diagnostics& d, const Value& v, const std::string& path) {
  uint64_t n = 0;
  if (is_integer_literal(v)) {
    auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), n);
    if (ec == std::errc() && end == v.text.data() + v.text.size()) return n;
  }
  d.error(v.pos, path, fmt::format("expected an integer from 0 to {}, {}",
                                   std::numeric_limits<uint64_t>::max(), got(v)));
  return std::nullopt;
}

std::optional<int64_t> read_int64(Diagnostics& d, const Value& v, const std::string& path) {
  int64_t n = 0;
  if (is_integer_literal(v)) {
    auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), n);
    if (ec == std::errc() && end == v.text.data() + v.text.size()) return n;
  }
  d.error(v.pos, path, fmt::format("expected an integer, {}", got(v)));
  return std::nullopt;
}

std::optional<sim::Duration> read_duration(Diagnostics& d, const Value& v,
                                           const std::string& path) {
  if (v.kind != Kind::kString) {
    d.error(v.pos, path, fmt::format("expected a duration such as \"30s\" or \"1500ms\", {}",
                                     got(v)));
    return std::nullopt;
  }
  try {
    return sim::parse_duration(v.text);
  } catch (const sim::InputError& e) {
    d.error(v.pos, path, e.what());
    return std::nullopt;
  }
}

std::optional<sim::Address> read_address(Diagnostics& d, const Value& v,
                                         const std::string& path) {
  if (v.kind != Kind::kString) {
    d.error(v.pos, path, fmt::format("expected an address such as \"127.0.0.1:6379\", {}",
                                     got(v)));
    return std::nullopt;
  }
  try {
    return sim::parse_address(v.text);
  } catch (const sim::InputError& e) {
    d.error(v.pos, path, e.what());
    return std::nullopt;
  }
}

std::optional<sim::Time> read_time(Diagnostics& d, const Value& v, const std::string& path,
                                   const std::optional<Until>& until) {
  std::optional<sim::Duration> since_start = read_duration(d, v, path);
  if (!since_start) return std::nullopt;
  sim::Time t = sim::kTimeZero + *since_start;
  if (until && t > until->t) {
    d.error(v.pos, path, fmt::format("{} is after \"until\" ({}): the run ends before it",
                                     v.text, until->text));
    return std::nullopt;
  }
  return t;
}

NodeIndex::NodeIndex(const std::vector<NodeSpec>& nodes) : nodes_(nodes) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    by_name_.emplace(nodes[i].name, i);
    by_address_.emplace(nodes[i].addr, i);
  }
}

const NodeSpec* NodeIndex::by_name(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &nodes_[it->second];
}

const NodeSpec* NodeIndex::by_address(const sim::Address& addr) const {
  auto it = by_address_.find(addr);
  return it == by_address_.end() ? nullptr : &nodes_[it->second];
}

std::string NodeIndex::unknown_name(std::string_view name) const {
  std::vector<std::string_view> names;
  for (const auto& [n, i] : by_name_) names.push_back(n);
  std::string suggestion = did_you_mean(name, names);
  if (!suggestion.empty() || names.size() > 8) {
    return fmt::format("unknown node {}{}", jsonc::quote(name), suggestion);
  }
  if (names.empty()) return fmt::format("unknown node {}: the scenario has no nodes",
                                        jsonc::quote(name));
  return fmt::format("unknown node {}: expected {}", jsonc::quote(name), list_words(names));
}

std::string NodeIndex::unknown_address(const sim::Address& addr) const {
  std::vector<std::string> texts;
  for (const NodeSpec& n : nodes_) texts.push_back(n.addr.to_string());
  std::vector<std::string_view> views(texts.begin(), texts.end());
  std::string message = fmt::format("no node has the address {}", addr.to_string());
  std::optional<std::string_view> best = closest(addr.to_string(), views);
  if (!best) return message;
  auto i = static_cast<size_t>(std::find(views.begin(), views.end(), *best) - views.begin());
  return fmt::format("{} (did you mean {}, node {}?)", message, *best,
                     jsonc::quote(nodes_[i].name));
}

std::optional<std::string> NodeIndex::read_node(Diagnostics& d, const Value& v,
                                                const std::string& path) const {
  std::optional<std::string> name = read_string(d, v, path);
  if (!name) return std::nullopt;
  if (by_name(*name) != nullptr) return name;
  d.error(v.pos, path, unknown_name(*name));
  return std::nullopt;
}

}  // namespace tools::scenario_detail
