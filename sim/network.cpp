#include "sim/network.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

namespace sim {
namespace {

// Linux's defaults: the first SYN retransmission after 1 s, doubling, tcp_syn_retries = 6
// (ETIMEDOUT after 127 s); data RTO at least 200 ms, doubling to 120 s, tcp_retries2 = 15.
constexpr int kSynRetries = 6;
constexpr Duration kSynFirstRto = Duration::seconds(1);
constexpr Duration kMaxRto = Duration::seconds(120);
constexpr int kDataRetries = 15;

}  // namespace

std::string_view to_string(CloseReason reason) {
  switch (reason) {
    case CloseReason::kEof: return "connection closed by peer";
    case CloseReason::kReset: return "connection reset by peer";
    case CloseReason::kRefused: return "connection refused";
    case CloseReason::kTimedOut: return "connection timed out";
    case CloseReason::kLocal: return "closed locally";
  }
  return "?";
}

Network::Network(EventQueue& queue, const Rng& root_rng, NetworkEvents& events)
    : queue_(queue), root_rng_(root_rng.derive("network")), events_(events) {}

void Network::add_node(NodeId node, const Address& addr, std::string_view name) {
  assert(node == nodes_.size() && "nodes are registered densely, in order");
  NodeInfo info;
  info.addr = addr;
  info.name = std::string(name);
  // Spread ephemeral ports over Linux's ip_local_port_range (32768-60999) by name.
  info.next_port = static_cast<uint16_t>(32768 + hash_name(name) % 28000);
  nodes_.push_back(std::move(info));
  held_event_.push_back(kNoEvent);
  if (addr.port != 0) node_addresses_.emplace(addr, node);
  auto it = std::lower_bound(hosts_.begin(), hosts_.end(), addr.host);
  if (it == hosts_.end() || *it != addr.host) hosts_.insert(it, addr.host);
}

Network::Connection& Network::conn(SocketId s) { return *conns_[s.index / 2]; }
const Network::Connection& Network::conn(SocketId s) const { return *conns_[s.index / 2]; }

bool Network::live(SocketId s) const {
  return s.valid() && s.index / 2 < conns_.size() && current(s.index / 2, s.generation);
}

bool Network::current(uint32_t index, uint32_t generation) const {
  const Connection& c = *conns_[index];
  return c.in_use && c.generation == generation;
}

bool Network::is_open(SocketId s) const { return live(s) && conn(s).open[s.index % 2]; }

const Address& Network::local_address(SocketId s) const { return conn(s).addr[s.index % 2]; }
const Address& Network::peer_address(SocketId s) const { return conn(s).addr[1 - s.index % 2]; }
NodeId Network::owner(SocketId s) const { return conn(s).node[s.index % 2]; }

// ---------------------------------------------------------------------------------------
// Listening and connecting

bool Network::listen(NodeId node, const Address& addr) {
  return listeners_.emplace(addr, node).second;
}

void Network::unlisten(const Address& addr) { listeners_.erase(addr); }

NodeId Network::node_at(const Address& addr) const {
  auto it = node_addresses_.find(addr);
  return it == node_addresses_.end() ? kNoNode : it->second;
}

uint32_t Network::allocate_connection() {
  uint32_t index;
  if (!free_conns_.empty()) {
    index = free_conns_.back();
    free_conns_.pop_back();
  } else {
    conns_.push_back(std::make_unique<Connection>());
    index = static_cast<uint32_t>(conns_.size() - 1);
  }
  ++open_connections_;
  Connection& c = *conns_[index];
  c.in_use = true;
  c.established = false;
  c.dir[0].reset_to_empty();
  c.dir[1].reset_to_empty();
  c.rare[0] = c.rare[1] = DirectionRare{};
  return index;
}

SocketId Network::connect(NodeId node, const Address& target, Duration delay) {
  uint32_t index = allocate_connection();
  Connection& c = *conns_[index];
  NodeInfo& self = nodes_[node];
  c.node[0] = node;
  c.node[1] = node_at(target);
  c.addr[0] = Address{self.addr.host, self.next_port};
  c.addr[1] = target;
  self.next_port = static_cast<uint16_t>(self.next_port >= 60999 ? 32768 : self.next_port + 1);
  c.open[0] = c.known[0] = true;
  c.open[1] = c.known[1] = false;
  // A stream of its own per (node, target, n-th connect), so other traffic never shifts it.
  c.rng = root_rng_.derive(fmt::format("{}>{}#{}", self.name, target.to_string(), self.connects++));
  Time syn_at = queue_.now() + delay;
  Time arrival = syn_at + (c.node[1] == kNoNode ? default_link_.latency
                                                : transit_latency(c, 0, 0));
  uint32_t gen = c.generation;
  queue_.schedule(arrival, [this, index, gen, first = syn_at] {
    syn_arrives(index, gen, 0, first);
  });
  return SocketId{index * 2, gen};
}

void Network::syn_arrives(uint32_t index, uint32_t gen, int attempt, Time first_syn) {
  Connection& c = *conns_[index];
  if (!current(index, gen)) return;
  if (!c.open[0]) {  // the connecting side gave up before the SYN got anywhere
    release_if_done(index);
    return;
  }
  NodeId src = c.node[0];
  NodeId dst = c.node[1];
  bool host_exists = std::binary_search(hosts_.begin(), hosts_.end(), c.addr[1].host);
  bool path = host_exists && !nodes_[src].isolated &&
              (dst == kNoNode || (reachable(src, dst) && reachable(dst, src)));
  if (!path) {  // nobody answers: retry the SYN on Linux's schedule, then ETIMEDOUT
    // SYNs go out at 0, 1, 3, 7, 15, 31 and 63 s; the connect fails at 127 s. A SYN that
    // arrived late (lag) may find the next one due already: that one leaves now.
    Time next = std::max(queue_.now(), first_syn + kSynFirstRto * ((int64_t{2} << attempt) - 1));
    if (attempt == kSynRetries) {
      queue_.schedule(next, [this, index, gen] {
        if (current(index, gen)) {
          notify_closed(index, 0, CloseReason::kTimedOut);
        }
      });
      return;
    }
    queue_.schedule(next + default_link_.latency, [=, this] {
      syn_arrives(index, gen, attempt + 1, first_syn);
    });
    return;
  }
  auto listener = listeners_.find(c.addr[1]);
  Time back = queue_.now() + (dst == kNoNode ? default_link_.latency : transit_latency(c, 1, 0));
  if (listener == listeners_.end()) {  // the host answers with a RST
    queue_.schedule(back, [this, index, gen] {
      if (current(index, gen)) {
        notify_closed(index, 0, CloseReason::kRefused);
      }
    });
    return;
  }
  // The listener's kernel completes the handshake even if its process is paused.
  c.node[1] = listener->second;
  c.open[1] = true;
  queue_.schedule(back, [this, index, gen] {
    Connection& k = *conns_[index];
    if (!current(index, gen)) return;
    k.established = true;
    if (!k.open[0]) return;
    events_.on_connected(k.node[0], SocketId{index * 2, gen});
    pump(index, 0);
  });
  Time accept_at = back + transit_latency(c, 0, 0);
  queue_.schedule(accept_at, [this, index, gen] {
    Connection& k = *conns_[index];
    if (!current(index, gen) || !k.open[1]) return;
    k.known[1] = true;
    SocketId accepted{index * 2 + 1, gen};
    events_.on_accepted(k.node[1], accepted);
    pump(index, 1);
    // The client may have sent before the accept came through (independent jitter draws).
    if (!readable(accepted).empty()) events_.on_readable(k.node[1], accepted);
  });
}

// ---------------------------------------------------------------------------------------
// Moving bytes

Duration Network::transit_latency(Connection& c, int from_side, size_t bytes) {
  NodeId from = c.node[from_side];
  NodeId to = c.node[1 - from_side];
  const LinkParams& p = links_.empty() ? default_link_ : link(from, to);
  Duration d = p.latency;
  if (!extra_lag_.empty()) d += extra_lag(from, to);
  if (p.jitter.us > 0) d += Duration::micros(c.rng.uniform_signed(0, p.jitter.us));
  if (p.bytes_per_second > 0 && bytes > 0) d += transmission_delay(c.rare[from_side], p, bytes);
  return d;
}

const LinkParams& Network::link(NodeId from, NodeId to) const {
  auto it = links_.find(pair_key(from, to));
  return it == links_.end() ? default_link_ : it->second;
}

Duration Network::extra_lag(NodeId from, NodeId to) const {
  auto it = extra_lag_.find(pair_key(from, to));
  return it == extra_lag_.end() ? Duration{} : it->second;
}

// Serialisation: a direction transmits one segment after another at the link's rate. Returns
// how long from now until the last byte is on the wire.
Duration Network::transmission_delay(DirectionRare& dir, const LinkParams& p, size_t bytes) {
  uint64_t tx_us = (bytes * 1000000 + p.bytes_per_second - 1) / p.bytes_per_second;
  Time start = std::max(queue_.now(), dir.tx_free_at);
  dir.tx_free_at = start + Duration::micros(static_cast<int64_t>(tx_us));
  return dir.tx_free_at - queue_.now();
}

void Network::schedule_delivery(uint32_t index, int from_side, Time at, uint64_t end) {
  Direction& d = conns_[index]->dir[from_side];
  at = std::max(at, d.last_arrival);  // TCP delivers in order
  d.last_arrival = at;
  arrive_at(at, index, from_side, end, queue_.executed());
}

// The one kind of delivery event (so that deliver() inlines into it).
void Network::arrive_at(Time at, uint32_t index, int from_side, uint64_t end, uint64_t sent_in) {
  queue_.schedule(at, [this, socket = index * 2 + static_cast<uint32_t>(from_side),
                       gen = conns_[index]->generation, end, sent_in] {
    deliver(socket / 2, gen, static_cast<int>(socket % 2), end, sent_in);
  });
}

void Network::hold_back(NodeId node, uint64_t event, Duration by) {
  held_event_[node] = event;
  nodes_[node].held_by = by;
}

// The sender's event blocked before its writes: the segment arrives as much later, and what
// the direction sends next arrives after it.
void Network::deliver_later(uint32_t index, int from_side, uint64_t end) {
  Connection& c = *conns_[index];
  Time at = queue_.now() + nodes_[c.node[from_side]].held_by;
  c.dir[from_side].last_arrival = std::max(c.dir[from_side].last_arrival, at);
  arrive_at(at, index, from_side, end, kNoEvent);
}

void Network::pump(uint32_t index, int from_side) {
  Connection& c = *conns_[index];
  Direction& d = c.dir[from_side];
  if (!c.established) return;
  uint64_t limit = d.consumed + window_;
  if (d.in_flight >= limit || d.in_flight == d.written) return;
  uint64_t n = std::min(limit, d.written) - d.in_flight;
  d.in_flight += n;
  Time at = queue_.now() + transit_latency(c, from_side, static_cast<size_t>(n));
  schedule_delivery(index, from_side, at, d.in_flight);
}

void Network::send(SocketId s, std::string_view bytes) {
  if (!is_open(s) || bytes.empty()) return;
  uint32_t index = s.index / 2;
  int side = static_cast<int>(s.index % 2);
  Direction& d = conns_[index]->dir[side];
  d.bytes.append(bytes);
  d.written += bytes.size();
  pump(index, side);
}

std::string_view Network::readable(SocketId s) const {
  if (!is_open(s)) return {};
  const Direction& d = conn(s).dir[1 - s.index % 2];
  return d.bytes.view().substr(0, static_cast<size_t>(d.delivered - d.consumed));
}

void Network::consume(SocketId s, size_t n) {
  if (!is_open(s)) return;
  uint32_t index = s.index / 2;
  int from_side = 1 - static_cast<int>(s.index % 2);
  Direction& d = conns_[index]->dir[from_side];
  assert(n <= d.delivered - d.consumed);
  d.consumed += n;
  d.bytes.consume(n);
  if (d.in_flight < d.written) pump(index, from_side);  // the window opened for bytes waiting
}

size_t Network::unsent(SocketId s) const {
  if (!is_open(s)) return 0;
  const Direction& d = conn(s).dir[s.index % 2];
  return static_cast<size_t>(d.written - d.in_flight);
}

void Network::deliver(uint32_t index, uint32_t gen, int from_side, uint64_t end,
                      uint64_t sent_in) {
  Connection& c = *conns_[index];
  if (!current(index, gen)) return;
  if (sent_in != kNoEvent && held_event_[c.node[from_side]] == sent_in) [[unlikely]] {
    return deliver_later(index, from_side, end);
  }
  Direction& d = c.dir[from_side];
  bool carries_fin = d.fin_at != kNoFin && end >= d.fin_at && !d.fin_delivered;
  if (end <= d.delivered && !carries_fin) return;  // a retransmission already brought it
  if (d.retransmitting) return;                     // the retransmission will bring it
  int to_side = 1 - from_side;
  if (!reachable(c.node[from_side], c.node[to_side])) {
    d.retransmitting = true;
    c.rare[from_side].retries = 0;
    c.rare[from_side].rto = kMinRto;
    retransmit_later(index, from_side);
    return;
  }
  if (!c.open[to_side]) {  // bytes reach a closed socket: its host answers with a RST
    if (end > d.delivered && c.open[from_side]) notify_closed(index, from_side, CloseReason::kReset);
    d.delivered = std::max(d.delivered, end);
    return;
  }
  bool new_bytes = end > d.delivered;
  d.delivered = std::max(d.delivered, end);
  SocketId receiver{index * 2 + static_cast<uint32_t>(to_side), gen};
  if (new_bytes && c.known[to_side]) events_.on_readable(c.node[to_side], receiver);
  if (carries_fin && d.delivered >= d.fin_at && c.in_use && c.generation == gen) {
    d.fin_delivered = true;
    notify_closed(index, to_side, c.rare[from_side].fin_reason);
  }
}

void Network::retransmit_later(uint32_t index, int from_side) {
  Connection& c = *conns_[index];
  uint32_t gen = c.generation;
  queue_.after(c.rare[from_side].rto, [this, index, gen, from_side] {
    Connection& k = *conns_[index];
    if (!current(index, gen)) return;
    Direction& dir = k.dir[from_side];
    if (reachable(k.node[from_side], k.node[1 - from_side])) {
      dir.retransmitting = false;
      uint64_t end = dir.fin_at != kNoFin ? std::max(dir.in_flight, dir.fin_at) : dir.in_flight;
      Time at = queue_.now() + transit_latency(k, from_side, 0);
      schedule_delivery(index, from_side, at, end);
      return;
    }
    DirectionRare& rare = k.rare[from_side];
    if (++rare.retries > kDataRetries) {  // tcp_retries2 exhausted: the sender gives up
      notify_closed(index, from_side, CloseReason::kTimedOut);
      return;
    }
    rare.rto = std::min(rare.rto * 2, kMaxRto);
    retransmit_later(index, from_side);
  });
}

// ---------------------------------------------------------------------------------------
// Closing

void Network::close(SocketId s) {
  if (!is_open(s)) return;
  close_side(s.index / 2, static_cast<int>(s.index % 2), CloseReason::kEof);
}

void Network::abort(SocketId s) {
  if (!is_open(s)) return;
  close_side(s.index / 2, static_cast<int>(s.index % 2), CloseReason::kReset);
}

void Network::close_side(uint32_t index, int side, CloseReason peer_sees) {
  Connection& c = *conns_[index];
  c.open[side] = false;
  Direction& out = c.dir[side];
  // What never left the sender's output buffer dies with it; what is in flight still goes.
  out.bytes.truncate_back(static_cast<size_t>(out.written - out.in_flight));
  out.written = out.in_flight;
  Direction& in = c.dir[1 - side];
  in.bytes.clear();
  in.consumed = in.delivered = in.in_flight = in.written = std::max(in.delivered, in.consumed);
  if (c.established && c.open[1 - side]) {
    out.fin_at = out.in_flight;
    c.rare[side].fin_reason = peer_sees;
    Time at = queue_.now() + transit_latency(c, side, 0);
    schedule_delivery(index, side, at, out.fin_at);
  } else if (!c.established) {
    // Closed before the handshake finished: the accepting side was never handed out.
    c.open[1 - side] = false;
  }
  release_if_done(index);
}

void Network::notify_closed(uint32_t index, int side, CloseReason reason) {
  Connection& c = *conns_[index];
  if (!c.open[side]) return;
  c.open[side] = false;
  Direction& out = c.dir[side];
  out.bytes.clear();
  out.written = out.in_flight = out.delivered;
  bool tell = c.known[side];
  SocketId socket{index * 2 + static_cast<uint32_t>(side), c.generation};
  NodeId node = c.node[side];
  release_if_done(index);
  if (tell) events_.on_closed(node, socket, reason);
}

void Network::release_if_done(uint32_t index) {
  Connection& c = *conns_[index];
  if (c.open[0] || c.open[1] || !c.in_use) return;
  c.in_use = false;
  ++c.generation;
  c.dir[0].bytes.clear();
  c.dir[1].bytes.clear();
  free_conns_.push_back(index);
  --open_connections_;
}

void Network::reset(SocketId s) {
  if (!live(s)) return;
  uint32_t index = s.index / 2;
  uint32_t gen = s.generation;
  for (int side = 0; side < 2; ++side) {
    queue_.after(Duration{}, [this, index, gen, side] {
      if (current(index, gen)) {
        notify_closed(index, side, CloseReason::kReset);
      }
    });
  }
}

void Network::close_node(NodeId node, CloseReason reason) {
  for (uint32_t index = 0; index < conns_.size(); ++index) {
    for (int side = 0; side < 2; ++side) {
      Connection& c = *conns_[index];
      if (c.in_use && c.node[side] == node && c.open[side]) close_side(index, side, reason);
    }
  }
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    it = it->second == node ? listeners_.erase(it) : std::next(it);
  }
}

// ---------------------------------------------------------------------------------------
// Faults on paths and links

bool Network::reachable(NodeId from, NodeId to) const {
  if (from == kNoNode || to == kNoNode) return false;
  if (isolated_nodes_ > 0 && (nodes_[from].isolated || nodes_[to].isolated)) return false;
  return cuts_.empty() || !cuts_.contains(pair_key(from, to));
}

void Network::cut(NodeId from, NodeId to) { ++cuts_[pair_key(from, to)]; }

void Network::uncut(NodeId from, NodeId to) {
  auto it = cuts_.find(pair_key(from, to));
  if (it != cuts_.end() && --it->second == 0) cuts_.erase(it);
}

void Network::heal_all() { cuts_.clear(); }

void Network::set_isolated(NodeId node, bool isolated) {
  if (nodes_[node].isolated == isolated) return;
  nodes_[node].isolated = isolated;
  if (isolated) {
    ++isolated_nodes_;
  } else {
    --isolated_nodes_;
  }
}

void Network::set_link(NodeId from, NodeId to, const LinkParams& params) {
  links_[pair_key(from, to)] = params;
}

void Network::set_extra_lag(NodeId from, NodeId to, Duration lag) {
  if (lag.us == 0) {
    extra_lag_.erase(pair_key(from, to));
  } else {
    extra_lag_[pair_key(from, to)] = lag;
  }
}

}  // namespace sim
