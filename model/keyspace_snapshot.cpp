// Whole-dataset views: serialize / deserialize (our RDB stand-in), digest, same_data and the
// size estimate.
//
// Format: "REDSIM-KS1", then per non-empty db 0xFE <db> <count>, then <count> keys in byte
// order: <type | 0x80 if it has a TTL> [<8-byte little-endian unix ms>] <key> <value>, then
// 0xFF. Strings and counts are varint-prefixed; a string value is one string, a list its
// count and elements, a set its count and members (intsets ascending, hashtables by bytes).
#include <algorithm>

#include "model/keyspace.h"
#include "model/keyspace_util.h"

namespace model {
namespace {

constexpr std::string_view kMagic = "REDSIM-KS1";
constexpr uint8_t kDbOpcode = 0xFE;
constexpr uint8_t kEofOpcode = 0xFF;
constexpr uint8_t kHasTtl = 0x80;
enum TypeByte : uint8_t { kString = 0, kList = 1, kSet = 2 };

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out += s;
}

// A key's first 8 bytes as a big-endian number (zero-padded): comparing these orders most keys
// without touching their strings, and equal prefixes fall back to the bytes.
uint64_t byte_order_prefix(std::string_view key) {
  uint64_t prefix = 0;
  for (size_t i = 0; i < 8; ++i) {
    prefix = prefix << 8 | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0);
  }
  return prefix;
}

struct SortedKey {
  uint64_t prefix;
  const std::pair<const std::string, Entry>* node;
  bool operator<(const SortedKey& other) const {
    if (prefix != other.prefix) return prefix < other.prefix;
    return node->first < other.node->first;
  }
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  size_t left() const { return in_.size() - pos_; }

  uint8_t byte() {
    if (pos_ >= in_.size()) return fail<uint8_t>();
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok_; shift += 7) {
      const uint8_t b = byte();
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return fail<uint64_t>();
  }
  std::string_view bytes(uint64_t n) {
    if (n > in_.size() - pos_) return fail<std::string_view>();
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view string() { return bytes(varint()); }
  int64_t fixed64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(byte()) << (8 * i);
    return static_cast<int64_t>(v);
  }

 private:
  template <typename T>
  T fail() {
    ok_ = false;
    pos_ = in_.size();
    return T{};
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void put_value(std::string& out, const Value& value) {
  if (const auto* str = std::get_if<std::string>(&value)) return put_string(out, *str);
  if (const auto* list = value_if<ListValue>(value)) {
    put_varint(out, list->size());
    for (const std::string& e : *list) put_string(out, e);
    return;
  }
  const auto& set = *value_if<SetValue>(value);
  put_varint(out, set.size());
  if (set.is_intset) {
    for (int64_t v : set.ints) put_string(out, format_ll(v));
    return;
  }
  std::vector<const std::string*> members;
  for (const std::string& m : set.members) members.push_back(&m);
  std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return *a < *b; });
  for (const std::string* m : members) put_string(out, *m);
}

// rdbLoadObject for sets: an intset if it fits one (at most 512 strict integers).
SetValue load_set(Reader& in) {
  SetValue set;
  const uint64_t n = in.varint();
  set.is_intset = n <= Keyspace::kSetMaxIntsetEntries;
  std::vector<std::string_view> members;
  for (uint64_t i = 0; i < n && in.ok(); ++i) {
    members.push_back(in.string());
    if (set.is_intset && !parse_ll(members.back())) set.is_intset = false;
  }
  for (std::string_view m : members) {
    if (set.is_intset) {
      set.ints.push_back(*parse_ll(m));
    } else {
      set.members.emplace(m);
    }
  }
  std::sort(set.ints.begin(), set.ints.end());
  return set;
}

std::optional<Value> load_value(Reader& in, uint8_t type) {
  switch (type) {
    case kString: return Value(std::string(in.string()));
    case kList: {
      ListValue list;
      const uint64_t n = in.varint();
      for (uint64_t i = 0; i < n && in.ok(); ++i) list.emplace_back(in.string());
      return Value(std::move(list));
    }
    case kSet: return Value(load_set(in));
    default: return std::nullopt;
  }
}

uint64_t mix(uint64_t a, uint64_t b) { return order_hash(std::string_view(), a ^ (b * 31)); }

uint64_t value_digest(const Value& value) {
  if (const auto* str = std::get_if<std::string>(&value)) return order_hash(*str, 1);
  uint64_t h = 0;
  if (const auto* list = value_if<ListValue>(value)) {
    for (const std::string& e : *list) h = mix(h, order_hash(e, 2));
    return h;
  }
  // Members in any order and any encoding digest alike.
  const auto& set = *value_if<SetValue>(value);
  for (int64_t v : set.ints) h += order_hash(format_ll(v), 3);
  for (const std::string& m : set.members) h += order_hash(m, 3);
  return mix(h, 4);
}

bool same_value(const Value& a, const Value& b) {
  if (a.index() != b.index()) return false;
  const auto* sa = value_if<SetValue>(a);
  if (sa == nullptr) return a == b;
  const auto& sb = *value_if<SetValue>(b);
  if (sa->is_intset == sb.is_intset) return *sa == sb;
  const SetValue& ints = sa->is_intset ? *sa : sb;
  const SetValue& table = sa->is_intset ? sb : *sa;
  if (ints.size() != table.size()) return false;
  return std::all_of(ints.ints.begin(), ints.ints.end(),
                     [&table](int64_t v) { return table.members.contains(format_ll(v)); });
}

}  // namespace

std::string Keyspace::serialize() const {
  std::string out(kMagic);
  for (int j = 0; j < kDbCount; ++j) {
    const Dict& dict = dbs_[static_cast<size_t>(j)].dict;
    if (dict.empty()) continue;
    out += static_cast<char>(kDbOpcode);
    out += static_cast<char>(j);
    put_varint(out, dict.size());
    std::vector<SortedKey> keys;
    keys.reserve(dict.size());
    for (const Node& node : dict) keys.push_back({byte_order_prefix(node.first), &node});
    std::sort(keys.begin(), keys.end());
    for (const SortedKey& key : keys) {
      const Node* node = key.node;
      const Entry& e = node->second;
      const auto type = static_cast<uint8_t>(e.value.index());
      out += static_cast<char>(type | (e.has_expire() ? kHasTtl : 0));
      if (e.has_expire()) {
        for (int i = 0; i < 8; ++i) {
          out += static_cast<char>((static_cast<uint64_t>(e.expire_ms) >> (8 * i)) & 0xFF);
        }
      }
      put_string(out, node->first);
      put_value(out, e.value);
    }
  }
  out += static_cast<char>(kEofOpcode);
  return out;
}

std::optional<Keyspace> Keyspace::deserialize(std::string_view bytes, uint64_t order_seed,
                                              LoadOptions options) {
  if (!bytes.starts_with(kMagic)) return std::nullopt;
  Reader in(bytes.substr(kMagic.size()));
  Keyspace ks(order_seed);
  for (uint8_t op = in.byte(); in.ok() && op != kEofOpcode; op = in.byte()) {
    const uint8_t db_index = in.byte();
    if (op != kDbOpcode || db_index >= kDbCount) return std::nullopt;
    Db& db = ks.dbs_[db_index];
    const uint64_t count = in.varint();
    // Sized once, as rdbLoad's RESIZEDB does, instead of rehashing as the keys come. A key
    // takes at least 3 bytes (type, key length, value), which bounds a corrupt count.
    db.dict.reserve(static_cast<size_t>(std::min<uint64_t>(count, in.left() / 3)));
    for (uint64_t i = 0; i < count && in.ok(); ++i) {
      const uint8_t type = in.byte();
      const int64_t expire_ms = (type & kHasTtl) ? in.fixed64() : 0;
      const std::string_view key = in.string();
      std::optional<Value> value = load_value(in, static_cast<uint8_t>(type & 0x7F));
      if (!value || !in.ok()) return std::nullopt;
      // rdbLoadRio: a master drops keys already expired when it loads them.
      if ((type & kHasTtl) && options.skip_expired && expire_ms < options.now_ms) continue;
      Node* node = ks.add_node(db, key, std::move(*value));
      if (type & kHasTtl) set_expire(db, node, expire_ms);
    }
  }
  if (!in.ok() || !in.at_end()) return std::nullopt;
  return ks;
}

uint64_t Keyspace::digest() const {
  uint64_t digest = 0;
  for (int j = 0; j < kDbCount; ++j) {
    for (const Node& node : dbs_[static_cast<size_t>(j)].dict) {
      uint64_t h = mix(order_hash(node.first, static_cast<uint64_t>(j) + 100),
                       value_digest(node.second.value));
      h = mix(h, static_cast<uint64_t>(node.second.get_expire()));
      digest += h;  // a sum: the dict's order does not matter
    }
  }
  return digest;
}

bool Keyspace::same_data(const Keyspace& other) const {
  for (size_t j = 0; j < dbs_.size(); ++j) {
    const Dict& a = dbs_[j].dict;
    const Dict& b = other.dbs_[j].dict;
    if (a.size() != b.size()) return false;
    for (const Node& node : a) {
      auto it = b.find(node.first);
      if (it == b.end() || it->second.get_expire() != node.second.get_expire() ||
          it->second.has_expire() != node.second.has_expire() ||
          !same_value(node.second.value, it->second.value)) {
        return false;
      }
    }
  }
  return true;
}

size_t Keyspace::dataset_bytes() const {
  size_t total = 0;
  for (const Db& db : dbs_) total += db.bytes;
  return total;
}

}  // namespace model
