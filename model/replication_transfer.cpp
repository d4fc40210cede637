// The replica's download of its master's RDB in a full resync (replication.c
// readSyncBulkPayload): the $<len> or $EOF:<mark> payload, saved to disk (repl-diskless-load
// disabled), flushed over the old dataset and loaded, after which the link streams.
#include <fmt/format.h>

#include "model/config_syntax.h"
#include "model/rdb.h"
#include "model/server.h"

namespace model {
namespace {

constexpr int64_t kRdbLoadBytesPerSecond = 200 * 1024 * 1024;

}  // namespace

// --- The RDB download (readSyncBulkPayload) ----------------------------------------------------

void RedisServer::read_transfer() {
  if (repl_transfer_size_ == -1) {
    std::string_view input = env().readable(repl_socket_);
    while (!input.empty() && input[0] == '\n') {  // keepalive newlines before the payload
      env().consume(repl_socket_, 1);
      input = env().readable(repl_socket_);
    }
    size_t eol = input.find("\r\n");
    if (eol == std::string_view::npos) return;
    std::string_view header = input.substr(0, eol);
    // readSyncBulkPayload: an error instead of the payload ends this attempt.
    if (header.starts_with("-")) {
      log('#', "master-aborted", fmt::format("MASTER aborted replication with an error: {}",
                                             header.substr(1)));
      cancel_handshake(false);
      return;
    }
    int64_t size = 0;
    if (!header.starts_with("$") ||
        (!header.starts_with("$EOF:") && (!parse_ll(header.substr(1), size) || size < 0))) {
      log('#', "bad-protocol", fmt::format("Bad protocol from MASTER, the first byte is not '$' "
                                           "(we received '{}'), are you sure the host and port "
                                           "are right?", header));
      cancel_handshake(false);
      return;
    }
    if (header.starts_with("$EOF:")) {
      repl_transfer_eofmark_ = std::string(header.substr(5));
      repl_transfer_size_ = 0;
      log('*', "transfer-eof", "MASTER <-> REPLICA sync: receiving streamed RDB from master with "
                               "EOF to disk");
    } else {
      repl_transfer_size_ = size;
      log('*', "transfer-bulk", fmt::format("MASTER <-> REPLICA sync: receiving {} bytes from "
                                            "master to disk", size));
    }
    env().consume(repl_socket_, eol + 2);
    repl_transfer_buffer_.clear();
  }
  std::string_view input = env().readable(repl_socket_);
  size_t take = input.size();
  if (repl_transfer_size_ > 0) {
    take = std::min(take, static_cast<size_t>(repl_transfer_size_) - repl_transfer_buffer_.size());
  }
  repl_transfer_buffer_.append(input.substr(0, take));
  env().consume(repl_socket_, take);
  if (repl_transfer_size_ == 0) {
    // EOF-marked: the payload ends with the 40-byte mark.
    const std::string& mark = repl_transfer_eofmark_;
    if (!repl_transfer_buffer_.ends_with(mark)) return;
    // What followed the mark in the same read is the stream: give it back.
    repl_transfer_buffer_.resize(repl_transfer_buffer_.size() - mark.size());
  } else if (repl_transfer_buffer_.size() < static_cast<size_t>(repl_transfer_size_)) {
    return;
  }
  finish_full_sync();
}

// The download is complete: save it, flush, load (clients get -LOADING meanwhile), connect.
void RedisServer::finish_full_sync() {
  std::string payload = std::move(repl_transfer_buffer_);
  repl_transfer_buffer_.clear();
  env().disk().write(kDumpFile, payload);  // repl-diskless-load disabled: it lands on disk
  discard_cached_master();  // replicationAttachToNewMaster
  disconnect_replicas();
  backlog_.reset();
  log('*', "flushing", "MASTER <-> REPLICA sync: Flushing old data");
  keyspace_.flush_all();
  log('*', "loading", "MASTER <-> REPLICA sync: Loading DB in memory");
  loading_ = true;
  auto load_us = static_cast<int64_t>(payload.size()) * 1000000 / kRdbLoadBytesPerSecond;
  env().after(sim::Duration::micros(load_us), [this, payload = std::move(payload)] {
    loading_ = false;
    std::optional<RdbFile> rdb = RdbFile::decode(payload, keyspace_.order_seed(), {false, 0});
    log('*', "rdb-loading", "Loading RDB produced by version 7.0.15");
    log('*', "rdb-age", "RDB age 0 seconds");
    log('*', "rdb-memory", fmt::format("RDB memory usage when created {:.2f} Mb",
                                       static_cast<double>(payload.size()) / (1024 * 1024)));
    if (rdb) keyspace_ = std::move(rdb->keyspace);
    log('*', "rdb-loaded", fmt::format("Done loading RDB, keys loaded: {}, keys expired: 0.",
                                       rdb ? rdb->keys_loaded : 0));
    std::unique_ptr<Client> master = create_master_client(
        master_initial_replid_, master_initial_offset_, rdb ? rdb->repl_stream_db : -1);
    if (repl_socket_.valid()) {
      become_connected(std::move(master));
    } else {  // the link died while loading: keep what was loaded as the cached master
      cached_master_ = std::move(master);
      repl_state_ = ReplState::kConnect;
      repl_down_since_unix_s_ = unixtime();
    }
    replid_ = master_initial_replid_;
    master_repl_offset_ = master_initial_offset_;
    clear_replication_id2();
    create_backlog();
    log('*', "sync-done", "MASTER <-> REPLICA sync: Finished with success");
    if (!repl_transfer_eofmark_.empty()) send_ack();  // EOF mode: ACK at once
    repl_transfer_eofmark_.clear();
    if (master_ != nullptr && !env().readable(master_->socket).empty()) {
      apply_master_stream(*master_);
    }
  });
}

void RedisServer::append_info_transfer(std::string& out) const {
  auto read = static_cast<int64_t>(repl_transfer_buffer_.size());
  int64_t total = std::max<int64_t>(repl_transfer_size_, 0);
  double perc = total > 0 ? 100.0 * static_cast<double>(read) / static_cast<double>(total) : 0.0;
  out += fmt::format("master_sync_total_bytes:{}\r\nmaster_sync_read_bytes:{}\r\n"
                     "master_sync_left_bytes:{}\r\nmaster_sync_perc:{:.2f}\r\n"
                     "master_sync_last_io_seconds_ago:{}\r\n",
                     total > 0 ? total : -1, read, total > 0 ? total - read : -1, perc,
                     unixtime() - repl_transfer_lastio_unix_s_);
}

}  // namespace model
