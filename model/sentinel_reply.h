// Sentinel's replies as client libraries read them: the entries of SENTINEL MASTERS / SLAVES /
// SENTINELS (each a flat array of name, value pairs: sentinel.c addReplySentinelRedisInstance)
// and the [ip, port] reply of SENTINEL get-master-addr-by-name.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "model/resp.h"
#include "sim/address.h"

namespace model::sentinel_reply {

// The value of field `name` of one entry; empty when the entry has no such field.
inline std::string_view field(const RespValue& entry, std::string_view name) {
  for (size_t i = 0; i + 1 < entry.elements.size(); i += 2) {
    if (entry.elements[i].str == name) return entry.elements[i + 1].str;
  }
  return {};
}

// Whether the comma-separated `flags` field holds `flag` as one whole item.
inline bool has_flag(std::string_view flags, std::string_view flag) {
  size_t start = 0;
  while (start <= flags.size()) {
    size_t end = flags.find(',', start);
    if (end == std::string_view::npos) end = flags.size();
    if (flags.substr(start, end - start) == flag) return true;
    start = end + 1;
  }
  return false;
}

inline std::optional<sim::Address> parse_address(std::string_view ip, std::string_view port) {
  if (ip.empty()) return std::nullopt;
  try {
    return sim::Address{std::string(ip), sim::parse_port(port)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The "ip" and "port" fields of one entry.
inline std::optional<sim::Address> entry_address(const RespValue& entry) {
  return parse_address(field(entry, "ip"), field(entry, "port"));
}

// SENTINEL get-master-addr-by-name: [ip, port], or a null array for a master it does not know.
inline std::optional<sim::Address> master_address(const RespValue& reply) {
  if (reply.kind != RespKind::kArray || reply.elements.size() != 2) return std::nullopt;
  return parse_address(reply.elements[0].str, reply.elements[1].str);
}

}  // namespace model::sentinel_reply
