// The RDB file of a simulated server: its dataset plus the aux fields replication needs
// (repl-id, repl-offset, repl-stream-db), in our own encoding. It is what BGSAVE writes to
// the node's disk, what a master streams to a replica in a full resync, and what a restart
// loads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/keyspace.h"

namespace model {

struct RdbFile {
  std::string replid;        // the history the dataset belongs to ("" if none)
  int64_t repl_offset = -1;  // its offset, -1 if none
  int repl_stream_db = -1;   // the db the stream was writing to at repl_offset, -1 if none
  int64_t saved_unix_s = 0;  // ctime aux field
  Keyspace keyspace;
  int64_t keys_loaded = 0;
  int64_t keys_expired = 0;

  // The file for `data` with this header's aux fields.
  std::string encode(const Keyspace& data) const;
  // nullopt if `bytes` is not an RDB of ours.
  static std::optional<RdbFile> decode(std::string_view bytes, uint64_t order_seed,
                                       LoadOptions options);
};

}  // namespace model
