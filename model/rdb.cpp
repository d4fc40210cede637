#include "model/rdb.h"

#include <fmt/format.h>

#include <charconv>

namespace model {
namespace {

constexpr std::string_view kMagic = "REDIS0010";  // RDB version 10, as 7.0 writes

bool read_field(std::string_view& in, std::string_view& field) {
  size_t eol = in.find('\n');
  if (eol == std::string_view::npos) return false;
  field = in.substr(0, eol);
  in.remove_prefix(eol + 1);
  return true;
}

bool to_int(std::string_view s, int64_t& value) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::string RdbFile::encode(const Keyspace& data) const {
  std::string out = fmt::format("{}\nrepl-id {}\nrepl-offset {}\nrepl-stream-db {}\nctime {}\n",
                                kMagic, replid.empty() ? "-" : replid, repl_offset,
                                repl_stream_db, saved_unix_s);
  out += data.serialize();
  return out;
}

std::optional<RdbFile> RdbFile::decode(std::string_view bytes, uint64_t order_seed,
                                       LoadOptions options) {
  std::string_view in = bytes, magic, id, offset, stream_db, ctime;
  if (!read_field(in, magic) || magic != kMagic || !read_field(in, id) ||
      !read_field(in, offset) || !read_field(in, stream_db) || !read_field(in, ctime)) {
    return std::nullopt;
  }
  RdbFile file;
  int64_t stream_db_id = -1;
  if (!id.starts_with("repl-id ") || !offset.starts_with("repl-offset ") ||
      !stream_db.starts_with("repl-stream-db ") || !ctime.starts_with("ctime ") ||
      !to_int(offset.substr(12), file.repl_offset) || !to_int(stream_db.substr(15), stream_db_id) ||
      !to_int(ctime.substr(6), file.saved_unix_s)) {
    return std::nullopt;
  }
  file.repl_stream_db = static_cast<int>(stream_db_id);
  file.replid = id.substr(8) == "-" ? std::string() : std::string(id.substr(8));
  std::optional<Keyspace> keyspace = Keyspace::deserialize(in, order_seed, options);
  if (!keyspace) return std::nullopt;
  int64_t keys = 0;
  for (int db = 0; db < Keyspace::kDbCount; ++db) keys += keyspace->key_count(db);
  file.keys_loaded = keys;
  file.keyspace = std::move(*keyspace);
  return file;
}

}  // namespace model
