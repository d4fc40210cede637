// redis-cli 7.0's reply rendering on a terminal (see redis_cli_format.h).
#include "tools/redis_cli_format.h"

#include <string_view>

namespace tools {
namespace {

using model::RespKind;
using model::RespValue;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// redis-cli prints status and error texts with %s: a NUL ends them.
std::string_view c_string(const std::string& s) { return std::string_view(s.c_str()); }

size_t decimal_width(size_t n) {
  size_t width = 1;
  for (; n >= 10; n /= 10) ++width;
  return width;
}

// cliFormatReplyTTY: the first line of an array item follows its parent's "N) ", so only
// the following items repeat `prefix`; children are indented by the width of "N) ".
void append_tty(std::string& out, const RespValue& v, const std::string& prefix) {
  switch (v.kind) {
    case RespKind::kStatus: out.append(c_string(v.str)); break;
    case RespKind::kError: out.append("(error) ").append(c_string(v.str)); break;
    case RespKind::kInteger: out.append("(integer) ").append(std::to_string(v.num)); break;
    case RespKind::kBulk: model::append_repr(out, v.str); break;
    case RespKind::kNullBulk:
    case RespKind::kNullArray: out.append("(nil)"); break;
    case RespKind::kArray: {
      if (v.elements.empty()) {
        out.append("(empty array)");
        break;
      }
      size_t width = decimal_width(v.elements.size());
      std::string child_prefix = prefix;
      child_prefix.append(width + 2, ' ');
      for (size_t i = 0; i < v.elements.size(); ++i) {
        if (i > 0) out.append(prefix);
        std::string index = std::to_string(i + 1);
        out.append(width - index.size(), ' ').append(index).append(") ");
        append_tty(out, v.elements[i], child_prefix);
      }
      return;  // every item ended its own line
    }
  }
  out.push_back('\n');
}

void append_raw(std::string& out, const RespValue& v) {
  switch (v.kind) {
    case RespKind::kStatus:
    case RespKind::kBulk: out.append(v.str); return;
    case RespKind::kError: out.append(v.str).push_back('\n'); return;
    case RespKind::kInteger: out.append(std::to_string(v.num)); return;
    case RespKind::kNullBulk:
    case RespKind::kNullArray: return;
    case RespKind::kArray:
      for (size_t i = 0; i < v.elements.size(); ++i) {
        if (i > 0) out.push_back('\n');
        append_raw(out, v.elements[i]);
      }
      return;
  }
}

}  // namespace

std::string format_reply_tty(const RespValue& reply) {
  std::string out;
  append_tty(out, reply, "");
  return out;
}

std::string format_reply_raw(const RespValue& reply) {
  std::string out;
  append_raw(out, reply);
  return out;
}

bool prints_raw(std::span<const std::string> argv) {
  if (argv.empty()) return false;
  auto is = [&argv](size_t i, std::string_view name) { return iequals(argv[i], name); };
  size_t argc = argv.size();
  if (is(0, "info") || is(0, "lolwut")) return true;
  if (argc < 2) return false;
  if (is(0, "debug")) return is(1, "htstats") || is(1, "htstats-key") || is(1, "client-eviction");
  if (is(0, "memory")) return is(1, "malloc-stats") || is(1, "doctor");
  if (is(0, "cluster")) return argc == 2 && (is(1, "nodes") || is(1, "info"));
  if (is(0, "client")) return is(1, "list") || is(1, "info");
  if (is(0, "latency")) return (argc == 3 && is(1, "graph")) || (argc == 2 && is(1, "doctor"));
  return is(0, "proxy") && is(1, "info");
}

std::string format_cli_output(std::span<const std::string> argv, const RespValue& reply) {
  return prints_raw(argv) ? format_reply_raw(reply) : format_reply_tty(reply);
}

}  // namespace tools
