#include "sim/address.h"

#include <fmt/format.h>

#include <charconv>

#include "sim/error.h"

namespace sim {

uint16_t parse_port(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 65535) {
    throw InputError(fmt::format("invalid port \"{}\": expected a number from 1 to 65535", text));
  }
  return static_cast<uint16_t>(value);
}

Address parse_address(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw InputError(fmt::format("invalid address \"{}\": expected host:port, e.g. 127.0.0.1:6379",
                                 text));
  }
  try {
    return Address{std::string(text.substr(0, colon)), parse_port(text.substr(colon + 1))};
  } catch (const InputError& e) {
    throw InputError(fmt::format("invalid address \"{}\": {}", text, e.what()));
  }
}

}  // namespace sim
