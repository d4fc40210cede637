#include "model/backlog.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace model {
namespace {

constexpr size_t kReplyChunkBytes = 16 * 1024;   // PROTO_REPLY_CHUNK_BYTES
constexpr size_t kBlockHeaderBytes = 40;         // sizeof(replBufBlock) on 64-bit Linux
constexpr size_t kTrimBlocksPerCall = 64;        // REPL_BACKLOG_TRIM_BLOCKS_PER_CALL

}  // namespace

size_t ReplicationBacklog::allocation_size(size_t bytes) {
  if (bytes <= 8) return 8;
  if (bytes <= 128) return (bytes + 15) / 16 * 16;
  // Above 128 bytes: four size classes per power of two (spacing = 2^(lg - 2)).
  size_t lg = std::bit_width(bytes - 1) - 1;  // 2^lg < bytes <= 2^(lg + 1)
  size_t spacing = size_t{1} << (lg - 2);
  return (bytes + spacing - 1) / spacing * spacing;
}

ReplicationBacklog::ReplicationBacklog(int64_t size, int64_t master_repl_offset)
    : size_(size), end_offset_(master_repl_offset) {}

void ReplicationBacklog::feed(std::string_view bytes, int64_t min_unsent_offset) {
  while (!bytes.empty()) {
    bool added_block = false;
    if (!blocks_.empty() && blocks_.back().data.size() < blocks_.back().capacity) {
      Block& tail = blocks_.back();
      size_t copy = std::min(tail.capacity - tail.data.size(), bytes.size());
      tail.data.append(bytes.substr(0, copy));
      bytes.remove_prefix(copy);
      end_offset_ += static_cast<int64_t>(copy);
      histlen_ += static_cast<int64_t>(copy);
    }
    if (!bytes.empty()) {
      size_t limit = std::max(static_cast<size_t>(size_) / 16, kReplyChunkBytes);
      size_t wanted = std::min(std::max(bytes.size(), kReplyChunkBytes), limit);
      Block block{end_offset_ + 1, allocation_size(wanted + kBlockHeaderBytes) - kBlockHeaderBytes,
                  {}};
      size_t copy = std::min(block.capacity, bytes.size());
      block.data.reserve(block.capacity);
      block.data.assign(bytes.substr(0, copy));
      bytes.remove_prefix(copy);
      end_offset_ += static_cast<int64_t>(copy);
      histlen_ += static_cast<int64_t>(copy);
      blocks_.push_back(std::move(block));
      added_block = true;
    }
    // Redis trims only when a block was added, to keep small appends cheap.
    if (added_block) trim(kTrimBlocksPerCall, min_unsent_offset);
  }
}

void ReplicationBacklog::resize(int64_t size, int64_t min_unsent_offset) {
  size_ = size;
  trim(kTrimBlocksPerCall, min_unsent_offset);
}

void ReplicationBacklog::trim(size_t max_blocks, int64_t min_unsent_offset) {
  for (size_t trimmed = 0; histlen_ > size_ && trimmed < max_blocks; ++trimmed) {
    if (blocks_.size() <= 1) break;  // never less than one block
    const Block& first = blocks_.front();
    auto first_end = first.first_offset + static_cast<int64_t>(first.data.size());
    if (first_end > min_unsent_offset) break;  // a replica still needs these bytes
    // Stop when dropping the block would leave less than the configured size.
    if (histlen_ - static_cast<int64_t>(first.capacity) <= size_) break;
    histlen_ -= static_cast<int64_t>(first.capacity);
    blocks_.pop_front();
  }
}

std::string ReplicationBacklog::copy_from(int64_t offset) const {
  assert(covers(offset));
  std::string out;
  out.reserve(static_cast<size_t>(end_offset_ - offset + 1));
  for (const Block& block : blocks_) {
    auto block_end = block.first_offset + static_cast<int64_t>(block.data.size());
    if (block_end <= offset) continue;
    size_t skip = offset > block.first_offset ? static_cast<size_t>(offset - block.first_offset) : 0;
    out.append(block.data, skip);
  }
  return out;
}

}  // namespace model
