// Network addresses as users write them in redis.conf and scenario files: "127.0.0.1:6379".
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace sim {

struct Address {
  std::string host;  // an IPv4 address or a hostname, compared as text
  uint16_t port = 0;

  std::string to_string() const { return host + ":" + std::to_string(port); }
  auto operator<=>(const Address&) const = default;
};

// Parses "host:port". Throws InputError naming the text when the host is empty or the port is
// not a number in 1..65535.
Address parse_address(std::string_view text);
// Parses a port number the way the text gives it ("6379"); throws InputError naming it.
uint16_t parse_port(std::string_view text);

}  // namespace sim
