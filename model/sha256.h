// SHA-256 (FIPS 180-4), as ACL stores passwords: CONFIG REWRITE writes the default user's
// password as `#<64 lowercase hex digits>` (acl.c ACLHashPassword).
#pragma once

#include <string>
#include <string_view>

namespace model {

// The SHA-256 digest of `data` in lowercase hex.
std::string sha256_hex(std::string_view data);

}  // namespace model
