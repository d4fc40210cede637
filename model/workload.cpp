#include "model/workload.h"

#include <fmt/format.h>

#include <charconv>

namespace model {
namespace {

std::string_view result_name(const Outcome& o) {
  if (o.result == Outcome::Result::kOk) return "ok";
  return std::string_view(o.error).substr(0, o.error.find(':'));
}

int64_t number_of(const RespValue& reply) {
  if (reply.kind == RespKind::kInteger) return reply.num;
  if (reply.kind != RespKind::kBulk) return -1;
  int64_t n = -1;
  std::from_chars(reply.str.data(), reply.str.data() + reply.str.size(), n);
  return n;
}

}  // namespace

std::string_view to_string(WriteCommand command) {
  switch (command) {
    case WriteCommand::kSet: return "SET";
    case WriteCommand::kIncr: return "INCR";
    case WriteCommand::kSadd: return "SADD";
  }
  return "?";
}

ClientProcess::ClientProcess(sim::Env& env, LibraryKind kind, LibraryOptions options,
                             WorkloadSpec workload, History& history, uint32_t client_index)
    : sim::Process(env),
      kind_(kind),
      options_(std::move(options)),
      workload_(workload),
      history_(history),
      client_index_(client_index) {}

void ClientProcess::start() {
  started_ = env().now();
  if (workload_.write_every) {
    writer_ = make_library(kind_, env(), sockets_, options_);
    env().after(workload_.start, [this] { write_once(); });
  }
  if (workload_.read_every) {
    reader_ = make_library(kind_, env(), sockets_, options_);
    env().after(workload_.start, [this] { read_once(); });
  }
}

bool ClientProcess::stopped() const {
  return workload_.stop && env().now() >= started_ + *workload_.stop;
}

std::string ClientProcess::key_name(uint64_t key_index) const {
  const std::string& client = history_.clients[client_index_].name;
  char digits[24];
  std::string_view index(digits, std::to_chars(digits, digits + sizeof digits, key_index).ptr);
  std::string key;
  key.reserve(client.size() + 1 + index.size());
  key.append(client).append(1, ':').append(index);
  return key;
}

void ClientProcess::write_once() {
  if (stopped()) return;
  uint64_t seq = next_seq_++;
  uint64_t key_index = workload_.keys == 0
                           ? (workload_.write_command == WriteCommand::kSet ? seq : 0)
                           : seq % workload_.keys;
  write_op_ = Operation{};
  write_op_.kind = Operation::Kind::kWrite;
  write_op_.seq = seq;
  write_op_.key = key_name(key_index);
  write_op_.invoked = env().now();
  std::vector<std::string> argv{std::string(to_string(workload_.write_command)), write_op_.key};
  if (workload_.write_command != WriteCommand::kIncr) argv.push_back(std::to_string(seq));
  writer_->execute(std::move(argv), Target::kMaster, [this, key_index](Outcome outcome) {
    Operation& op = write_op_;
    if (outcome.result == Outcome::Result::kOk) {
      op.number = number_of(outcome.reply);
      acked_seq_ = op.seq;
      acked_key_ = key_index;
      acked_number_ = op.number;
    }
    sim::Time next = op.invoked + *workload_.write_every;
    record(op, outcome);
    env().after(std::max(next, env().now()) - env().now(), [this] { write_once(); });
  });
}

void ClientProcess::read_once() {
  if (stopped()) return;
  read_op_ = Operation{};
  Operation& op = read_op_;
  op.kind = Operation::Kind::kRead;
  op.seq = acked_seq_;
  op.key = key_name(acked_key_);
  op.invoked = env().now();
  std::vector<std::string> argv;
  switch (workload_.write_command) {
    case WriteCommand::kSet:
      argv = {"GET", op.key};
      op.expected = static_cast<int64_t>(acked_seq_);
      break;
    case WriteCommand::kIncr:
      argv = {"GET", op.key};
      op.expected = acked_number_;
      break;
    case WriteCommand::kSadd:
      argv = {"SISMEMBER", op.key, std::to_string(acked_seq_)};
      op.expected = acked_seq_ == 0 ? 0 : 1;
      break;
  }
  reader_->execute(std::move(argv), workload_.read_from, [this](Outcome outcome) {
    if (outcome.result == Outcome::Result::kOk) read_op_.number = number_of(outcome.reply);
    sim::Time next = read_op_.invoked + *workload_.read_every;
    record(read_op_, outcome);
    env().after(std::max(next, env().now()) - env().now(), [this] { read_once(); });
  });
}

void ClientProcess::record(Operation& op, const Outcome& outcome) {
  op.client = client_index_;
  op.completed = env().now();
  op.result = outcome.result;
  op.error = outcome.error;
  op.server = outcome.server;
  // One trace line each time what the writer (or the reader) sees changes: the first success
  // after errors, the first error of a kind, a move to another server.
  bool write = op.kind == Operation::Kind::kWrite;
  Seen& last = last_seen_[write ? 0 : 1];
  std::string_view result = result_name(outcome);
  if (result != last.result || op.server != last.server) {
    last = {std::string(result), op.server};
    std::string_view what = write ? "write" : "read";
    std::string text =
        outcome.result == Outcome::Result::kOk
            ? fmt::format("{} {} ok from {}", what, op.key, op.server.to_string())
            : fmt::format("{} {} failed: {}", what, op.key, outcome.error);
    env().trace("client", '-', result, text);
  }
  history_.ops.push_back(std::move(op));
}

void ClientProcess::on_connected(sim::SocketId socket) {
  if (ServerConnection* c = sockets_.find(socket)) c->on_connected();
}
void ClientProcess::on_readable(sim::SocketId socket) {
  if (ServerConnection* c = sockets_.find(socket)) c->on_readable();
}
void ClientProcess::on_closed(sim::SocketId socket, sim::CloseReason reason) {
  if (ServerConnection* c = sockets_.find(socket)) c->on_closed(reason);
}

}  // namespace model
