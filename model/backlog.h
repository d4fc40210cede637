// The replication backlog of Redis 7.0: the tail of the replication stream, kept so that a
// replica that reconnects can continue from its offset (PSYNC's +CONTINUE).
//
// 7.0 keeps the stream in a list of blocks shared with the replicas' output buffers
// (replication.c feedReplicationBuffer): a new block holds min(max(len, 16 KiB),
// max(repl-backlog-size / 16, 16 KiB)) bytes, rounded up to the allocator's size class (which
// is why INFO's histlen is not a round number), and whole blocks are trimmed from the front
// while histlen exceeds repl-backlog-size by more than the first block
// (incrementalTrimReplicationBacklog). A block whose bytes some replica has not been sent yet
// is never trimmed: the backlog may then grow past its size.
//
// Invariants: first_byte_offset() == end_offset() - histlen() + 1; histlen() is the sum of the
// blocks' used bytes; every block but the last is full.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace model {

class ReplicationBacklog {
 public:
  // A backlog created when the stream is at `master_repl_offset` (createReplicationBacklog):
  // empty, its first byte will be master_repl_offset + 1.
  ReplicationBacklog(int64_t size, int64_t master_repl_offset);

  // Appends bytes of the stream (one feedReplicationBuffer call). `min_unsent_offset` is the
  // first stream byte not yet sent to some replica (INT64_MAX when none is behind); blocks
  // holding such bytes are not trimmed.
  void feed(std::string_view bytes, int64_t min_unsent_offset);
  // repl-backlog-size changed (resizeReplicationBacklog): trim towards the new size.
  void resize(int64_t size, int64_t min_unsent_offset);

  int64_t size() const { return size_; }
  int64_t histlen() const { return histlen_; }
  int64_t end_offset() const { return end_offset_; }  // master_repl_offset
  int64_t first_byte_offset() const { return end_offset_ - histlen_ + 1; }
  // addReplyReplicationBacklog's range check: the bytes from `offset` on are all here.
  bool covers(int64_t offset) const {
    return offset >= first_byte_offset() && offset <= first_byte_offset() + histlen_;
  }
  // The stream from `offset` to the end. REQUIRES: covers(offset).
  std::string copy_from(int64_t offset) const;

  // The allocator's usable size for a request of `bytes` (jemalloc's size classes, which
  // Redis 7.0 is built with on Linux): 8, 16, 32, 48, ... then four classes per doubling.
  static size_t allocation_size(size_t bytes);

 private:
  struct Block {
    int64_t first_offset;  // stream offset of data[0]
    size_t capacity;       // usable bytes (after the block header)
    std::string data;      // used bytes
  };

  void trim(size_t max_blocks, int64_t min_unsent_offset);

  int64_t size_;
  int64_t end_offset_;
  int64_t histlen_ = 0;
  std::deque<Block> blocks_;
};

}  // namespace model
