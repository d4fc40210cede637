#include "model/history_check.h"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace model {
namespace {

std::optional<int64_t> to_int(std::string_view s) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// The string value of `key` on the final master, as an integer; -1 when absent or not one.
int64_t final_number(const Keyspace& data, const std::string& key) {
  const Entry* e = data.peek(0, key);
  if (e == nullptr) return -1;
  const std::string* s = std::get_if<std::string>(&e->value);
  if (s == nullptr) return -1;
  return to_int(*s).value_or(-1);
}

bool final_member(const Keyspace& data, const std::string& key, uint64_t member) {
  const Entry* e = data.peek(0, key);
  if (e == nullptr) return false;
  const SetValue* set = value_if<SetValue>(e->value);
  if (set == nullptr) return false;
  if (set->is_intset) {
    return std::binary_search(set->ints.begin(), set->ints.end(), static_cast<int64_t>(member));
  }
  return set->members.contains(std::to_string(member));
}

// Whether the final master holds the effect of write `op`: for SET its value or a newer one
// (a later write of the same client to the same key), for INCR a counter at least its reply,
// for SADD its member.
bool write_present(const Keyspace& data, WriteCommand command, const Operation& op) {
  switch (command) {
    case WriteCommand::kSet: return final_number(data, op.key) >= static_cast<int64_t>(op.seq);
    case WriteCommand::kIncr: return final_number(data, op.key) >= op.number;
    case WriteCommand::kSadd: return final_member(data, op.key, op.seq);
  }
  return false;
}

// Whether the final master holds exactly this write's value (failed-but-applied).
bool own_value_present(const Keyspace& data, WriteCommand command, const Operation& op) {
  switch (command) {
    case WriteCommand::kSet: return final_number(data, op.key) == static_cast<int64_t>(op.seq);
    case WriteCommand::kIncr: return false;  // an increment carries no identity of its own
    case WriteCommand::kSadd: return final_member(data, op.key, op.seq);
  }
  return false;
}

std::string error_class(const std::string& error) { return error.substr(0, error.find(':')); }

void check_outage(const History& history, uint32_t client, ClientReport& report) {
  std::optional<sim::Time> last_ack, first_start, last_done;
  bool failed_since_ack = false;
  auto close_window = [&](sim::Time to, bool open) {
    sim::Time from = last_ack.value_or(*first_start);
    NoAckWindow w{from, to, open};
    if (!report.longest_no_ack || w.length() > report.longest_no_ack->length()) {
      report.longest_no_ack = w;
    }
    if (failed_since_ack) report.unavailable += w.length();
  };
  for (const Operation& op : history.ops) {
    if (op.client != client || op.kind != Operation::Kind::kWrite) continue;
    if (!first_start) first_start = op.invoked;
    last_done = op.completed;
    if (op.result == Outcome::Result::kOk) {
      close_window(op.completed, false);
      last_ack = op.completed;
      failed_since_ack = false;
    } else {
      failed_since_ack = true;
    }
  }
  if (failed_since_ack) close_window(*last_done, true);
}

}  // namespace

uint64_t HistoryReport::lost() const {
  uint64_t n = 0;
  for (const ClientReport& c : clients) n += c.lost.size();
  return n;
}

uint64_t HistoryReport::stale_reads() const {
  uint64_t n = 0;
  for (const ClientReport& c : clients) n += c.stale_reads.size();
  return n;
}

sim::Duration HistoryReport::longest_no_ack() const {
  sim::Duration longest;
  for (const ClientReport& c : clients) {
    if (c.longest_no_ack) longest = std::max(longest, c.longest_no_ack->length());
  }
  return longest;
}

HistoryReport check_history(const History& history, const Keyspace* final_data,
                            std::optional<std::string> final_master) {
  HistoryReport report;
  report.final_master = final_data != nullptr ? std::move(final_master) : std::nullopt;
  for (uint32_t i = 0; i < history.clients.size(); ++i) {
    ClientReport c;
    c.name = history.clients[i].name;
    WriteCommand command = history.clients[i].write_command;
    for (size_t k = 0; k < history.ops.size(); ++k) {
      const Operation& op = history.ops[k];
      if (op.client != i) continue;
      bool ok = op.result == Outcome::Result::kOk;
      if (!ok) ++c.errors[error_class(op.error)];
      if (op.kind == Operation::Kind::kRead) {
        ++c.reads;
        ok ? ++c.read_ok : ++c.read_failures;
        if (ok && op.expected > 0 && op.number < op.expected) c.stale_reads.push_back(k);
        continue;
      }
      ++c.writes;
      ok ? ++c.acked : ++c.write_failures;
      if (final_data == nullptr) continue;
      if (ok && !write_present(*final_data, command, op)) {
        c.lost.push_back(k);
        ++c.lost_by_server[op.server.to_string()];
      }
      if (!ok && own_value_present(*final_data, command, op)) c.failed_but_applied.push_back(k);
    }
    check_outage(history, i, c);
    report.clients.push_back(std::move(c));
  }
  return report;
}

}  // namespace model
