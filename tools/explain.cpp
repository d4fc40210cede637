// The explanations of `redsim run --explain` (see explain.h). Chinese terms follow the Chinese
// Redis tutorials: 主节点 master, 从节点 replica, 全量同步 full resync, 部分重同步 partial
// resync, 复制积压缓冲区 replication backlog, 复制 ID replication ID, 偏移量 offset.
#include "tools/explain.h"

#include <algorithm>
#include <ostream>
#include <vector>

#include "tools/redis_log.h"

namespace tools {
namespace {

constexpr Explanation kExplanations[] = {
    // --- A server that starts or stops ---------------------------------------------------------
    {"server", "ready", "The server has started and accepts connections.",
     "服务器已启动，开始接受连接。"},
    {"server", "no-config", "The server was started without a config file and runs on defaults.",
     "服务器启动时没有指定配置文件，使用默认配置运行。"},
    {"server", "config-error", "The config file has a line Redis refuses, so the server exits.",
     "配置文件中有 Redis 不接受的行，服务器因此退出。"},
    {"server", "listen-failed", "Another process already uses this port, so nobody can connect.",
     "该端口已被其他进程占用，客户端无法连接。"},
    {"server", "rdb-loading", "The server reads an RDB snapshot into memory.",
     "服务器正在把 RDB 快照读入内存。"},
    {"server", "rdb-age", "How long ago the snapshot being loaded was written.",
     "正在加载的快照是多久之前写下的。"},
    {"server", "rdb-memory", "How much memory the data used when the snapshot was written.",
     "写快照时这些数据占用的内存大小。"},
    {"server", "rdb-loaded", "The snapshot is loaded: these keys are now in memory.",
     "快照加载完成：这些键现在都在内存中。"},
    {"server", "rdb-bad", "The snapshot file is damaged, so the server cannot load it.",
     "快照文件已损坏，服务器无法加载。"},
    {"server", "db-loaded", "The data saved on disk is back in memory after the restart.",
     "重启后，磁盘上保存的数据已重新载入内存。"},
    {"server", "protocol-error", "A client sent bytes that are not valid RESP, so it is dropped.",
     "客户端发送了不合法的 RESP 数据，连接被断开。"},
    {"server", "config-rewrite", "CONFIG REWRITE wrote the running configuration to the file.",
     "CONFIG REWRITE 已把当前运行的配置写回配置文件。"},
    {"server", "sigterm", "The process got SIGTERM: it shuts down cleanly, as with SHUTDOWN.",
     "进程收到 SIGTERM：它会像执行 SHUTDOWN 一样正常关闭。"},
    {"server", "shutdown", "The server begins to shut down.", "服务器开始关闭。"},
    {"server", "shutdown-wait",
     "Before exiting, the master gives its replicas up to 10 s to receive every write.",
     "退出前，主节点最多等待 10 秒，让从节点收到所有写入。"},
    {"server", "shutdown-lagging-replica",
     "This replica has not confirmed every write, so it may miss the last ones.",
     "这个从节点尚未确认全部写入，可能会缺少最后的数据。"},
    {"server", "shutdown-replicas-in-sync",
     "The replicas confirmed they hold every write the master took before it stops.",
     "从节点已确认收到主节点停止前的全部写入。"},
    {"server", "saving", "The server writes its data to dump.rdb before it exits.",
     "服务器退出前把数据写入 dump.rdb。"},
    {"server", "saved", "The snapshot is on disk: a restart will load it.",
     "快照已写入磁盘：重启时会加载它。"},
    {"server", "bye", "The server process exits now.", "服务器进程现在退出。"},
    {"server", "shutdown-abort", "The shutdown was cancelled and the server keeps running.",
     "关闭被取消，服务器继续运行。"},

    // --- A server becoming a replica, or a master again ----------------------------------------
    {"server", "replicaof", "REPLICAOF made this server a replica of that master; it will sync.",
     "REPLICAOF 使该服务器成为那个主节点的从节点，接下来会进行同步。"},
    {"server", "replicaof-noop", "The server already replicates that master, so nothing changes.",
     "该服务器已经在复制那个主节点，因此没有任何变化。"},
    {"server", "master-mode",
     "REPLICAOF NO ONE made this replica a master: it keeps its data and accepts writes.",
     "REPLICAOF NO ONE 使该从节点成为主节点：它保留数据并开始接受写入。"},
    {"server", "replid-shift",
     "A new replication ID starts a new history; the old ID is kept so replicas of the old "
     "master can still resync partially.",
     "新的复制 ID 开启一段新的历史；旧 ID 被保留，使原主节点的从节点仍能部分重同步。"},
    {"server", "cache-myself",
     "The replica remembers where its own data ends, hoping the master can send only the rest.",
     "从节点记下自己数据的复制 ID 和偏移量，希望主节点只需发送其余部分。"},
    {"server", "discard-cached-master",
     "The replica forgets its old master's position: the next sync will be a full one.",
     "从节点丢弃旧主节点的复制位置：下一次同步将是全量同步。"},

    // --- The replica's side of a sync ------------------------------------------------------------
    {"server", "connecting", "The replica opens a connection to its master.",
     "从节点开始连接它的主节点。"},
    {"server", "reconnecting", "The replica connects to its master again at once.",
     "从节点立即重新连接主节点。"},
    {"server", "sync-started", "The replica starts the handshake that leads to a sync.",
     "从节点开始握手，准备同步。"},
    {"server", "sync-connected", "The TCP connection to the master is open.",
     "到主节点的 TCP 连接已建立。"},
    {"server", "sync-connect-error",
     "The replica could not reach its master; it will try again every second.",
     "从节点连不上主节点，之后每秒重试一次。"},
    {"server", "sync-handshake-error",
     "The master closed the connection during the handshake; the replica will retry.",
     "主节点在握手过程中关闭了连接，从节点稍后重试。"},
    {"server", "sync-transfer-error",
     "The connection broke while the snapshot was arriving; the sync starts over.",
     "接收快照时连接中断，同步将重新开始。"},
    {"server", "ping-ok", "The master answered PING: the link works, the handshake goes on.",
     "主节点回复了 PING：连接正常，握手继续。"},
    {"server", "ping-error",
     "The master answered PING with an error (often a missing password); the replica retries.",
     "主节点对 PING 返回了错误（常见原因是缺少密码），从节点稍后重试。"},
    {"server", "auth-error", "The master refused the replica's password (masterauth).",
     "主节点拒绝了从节点的密码（masterauth）。"},
    {"server", "replconf-error", "The master did not understand a REPLCONF option; harmless.",
     "主节点不认识某个 REPLCONF 选项，没有影响。"},
    {"server", "psync-try",
     "The replica asks to continue from its replication ID and offset instead of a full copy.",
     "从节点请求从自己的复制 ID 和偏移量处继续，而不是全量复制。"},
    {"server", "psync-no-cache",
     "The replica has no earlier replication position, so it must ask for a full copy.",
     "从节点没有之前的复制位置，只能请求全量复制。"},
    {"server", "psync-later",
     "The master cannot serve a sync yet (it is not synced itself); the replica will retry.",
     "主节点暂时无法提供同步（它自己还没有同步完成），从节点稍后重试。"},
    {"server", "psync-unsupported", "The master does not speak PSYNC; the replica falls back.",
     "主节点不支持 PSYNC，从节点改用旧的同步方式。"},
    {"server", "psync-unexpected", "The master answered PSYNC with something unexpected.",
     "主节点对 PSYNC 的回复出乎意料。"},
    {"server", "sync-retry", "The replica tries the old SYNC command instead.",
     "从节点改用旧的 SYNC 命令重试。"},
    {"server", "full-resync",
     "The master will send a complete snapshot of its data, starting at this ID and offset.",
     "主节点将发送一份完整的数据快照，从这个复制 ID 和偏移量开始。"},
    {"server", "psync-ok", "The master agreed to continue where the replica left off.",
     "主节点同意从从节点中断的位置继续复制。"},
    {"server", "master-replid-changed",
     "The master now writes under a new replication ID; the replica adopts it.",
     "主节点换用了新的复制 ID，从节点随之采用。"},
    {"server", "transfer-eof", "The snapshot arrives as a stream of unknown length (diskless).",
     "快照以长度未知的数据流形式到达（无盘复制）。"},
    {"server", "transfer-bulk", "The snapshot arrives as a file of known size.",
     "快照以已知大小的文件形式到达。"},
    {"server", "master-aborted", "The master sent an error instead of the snapshot.",
     "主节点发送了错误信息，而不是快照。"},
    {"server", "bad-protocol", "The master sent something that is not a snapshot.",
     "主节点发来的不是快照。"},
    {"server", "flushing", "The replica deletes all its old data before loading the snapshot.",
     "加载快照之前，从节点先删除自己的全部旧数据。"},
    {"server", "loading", "The replica loads the master's snapshot into memory.",
     "从节点把主节点的快照载入内存。"},
    {"server", "sync-done", "The full sync is complete: the replica now receives every write.",
     "全量同步完成：从节点开始接收每一个写入。"},
    {"server", "master-lost",
     "The replica lost its link to the master; it keeps serving its data.",
     "从节点与主节点的连接断开了，但仍继续提供已有数据。"},
    {"server", "cache-master",
     "The replica remembers how far it got, to ask for only the rest when it reconnects.",
     "从节点记住复制到了哪里，重连时只需请求剩余部分。"},
    {"server", "master-protocol-error", "The master sent invalid data; the link is closed.",
     "主节点发送了无效数据，连接被关闭。"},
    {"server", "connect-timeout", "The master did not answer the connection in time.",
     "主节点没有及时响应连接。"},
    {"server", "transfer-timeout", "The snapshot stopped arriving for longer than repl-timeout.",
     "快照停止传输的时间超过了 repl-timeout。"},
    {"server", "master-timeout",
     "Nothing came from the master for repl-timeout seconds: the link is considered dead.",
     "在 repl-timeout 秒内没有收到主节点的任何数据：连接被视为已断开。"},

    // --- The master's side of a sync -----------------------------------------------------------
    {"server", "sync-request", "A replica asks this master for data.",
     "一个从节点向该主节点请求数据。"},
    {"server", "full-resync-requested",
     "The replica has nothing to continue from, so it gets a full copy.",
     "从节点没有可以继续的位置，因此进行全量复制。"},
    {"server", "psync-id-mismatch",
     "The replica's replication ID is not in this master's history: a full copy is needed.",
     "从节点的复制 ID 不在该主节点的历史中：需要全量复制。"},
    {"server", "psync-offset-mismatch",
     "The replica asks for a point past the end of the master's old history: a full copy.",
     "从节点请求的位置超出了主节点旧历史的范围：需要全量复制。"},
    {"server", "psync-no-backlog",
     "The bytes the replica missed are no longer in the backlog: a full copy is needed.",
     "从节点缺失的数据已不在复制积压缓冲区中：需要全量复制。"},
    {"server", "psync-offset-ahead",
     "The replica claims more data than the master has ever written: a full copy.",
     "从节点声称的数据比主节点写过的还多：需要全量复制。"},
    {"server", "psync-accepted",
     "A partial resync: the master sends only the missed bytes, from its backlog.",
     "部分重同步：主节点只从复制积压缓冲区发送缺失的数据。"},
    {"server", "backlog-created",
     "The master now keeps recent writes in a backlog, so replicas can resync partially.",
     "主节点开始在复制积压缓冲区中保存最近的写入，从节点因此可以部分重同步。"},
    {"server", "backlog-freed",
     "No replica for repl-backlog-ttl seconds: the master drops its backlog.",
     "连续 repl-backlog-ttl 秒没有从节点：主节点释放复制积压缓冲区。"},
    {"server", "bgsave-delayed",
     "The master waits repl-diskless-sync-delay (5 s) so more replicas can share one snapshot.",
     "主节点等待 repl-diskless-sync-delay（5 秒），让更多从节点共用一次快照。"},
    {"server", "wait-next-bgsave",
     "A snapshot is already being made; this replica will get the next one.",
     "已有快照正在生成，这个从节点将使用下一次快照。"},
    {"server", "bgsave-start", "The master starts making the snapshot for its replicas.",
     "主节点开始为从节点生成快照。"},
    {"server", "bgsave-child",
     "A child process writes the snapshot while the master keeps serving.",
     "由子进程写快照，主节点继续处理请求。"},
    {"server", "rdb-pipe-done", "The snapshot has been sent to every replica still connected.",
     "快照已发送给所有仍然连接的从节点。"},
    {"server", "rdb-transfer-ok", "The snapshot transfer finished without error.",
     "快照传输顺利完成。"},
    {"server", "bgsave-saved", "The background snapshot is written to disk.",
     "后台快照已写入磁盘。"},
    {"server", "bgsave-ok", "The background save finished without error.",
     "后台保存顺利完成。"},
    {"server", "rdb-streamed",
     "The replica has the whole snapshot; the master waits for its first acknowledgement.",
     "从节点已收到完整快照；主节点等待它的第一次确认。"},
    {"server", "replica-synced", "This replica is in sync and now receives every write live.",
     "这个从节点已同步完成，开始实时接收每一个写入。"},
    {"server", "replica-lost",
     "The master lost its link to this replica and stops sending it writes.",
     "主节点与这个从节点的连接断开，不再向它发送写入。"},
    {"server", "replica-timeout", "The replica did not answer for repl-timeout: it is dropped.",
     "从节点在 repl-timeout 内没有响应，被断开。"},

    // --- A Sentinel's own log lines (its events, +sdown and the like, are of kind sentinel) ----
    {"server", "sentinel-id", "This Sentinel's unique ID; it is kept in its config file.",
     "该 Sentinel 的唯一 ID，保存在它的配置文件中。"},
    {"server", "config-saved", "The Sentinel wrote what it now knows into its config file.",
     "Sentinel 把它当前掌握的信息写入了配置文件。"},
    {"server", "next-failover-delay",
     "A failover of this master was tried; the next try waits until this time.",
     "刚尝试过对该主节点进行故障转移；下一次尝试要等到这个时间之后。"},
    {"server", "voted-for", "This Sentinel learned who another Sentinel voted for as leader.",
     "该 Sentinel 得知另一个 Sentinel 把票投给了谁。"},
    {"server", "user-requested-failover",
     "SENTINEL FAILOVER: a failover starts without waiting for the master to be down.",
     "SENTINEL FAILOVER：不等主节点下线，立即开始故障转移。"},
    {"server", "simulate-failure", "SENTINEL SIMULATE-FAILURE armed a crash for testing.",
     "SENTINEL SIMULATE-FAILURE 为测试设置了一次模拟崩溃。"},
    {"server", "simulated-crash", "The Sentinel exits here, as SIMULATE-FAILURE asked.",
     "Sentinel 按 SIMULATE-FAILURE 的要求在此退出。"},

    // --- Sentinel's events (sentinelEvent; also published on its channel of that name) -------
    {"sentinel", "+monitor", "The Sentinel starts watching this master.",
     "Sentinel 开始监控这个主节点。"},
    {"sentinel", "-monitor", "The Sentinel stops watching this master (SENTINEL REMOVE).",
     "Sentinel 停止监控这个主节点（SENTINEL REMOVE）。"},
    {"sentinel", "+slave", "A replica was found in the master's INFO and is watched from now on.",
     "在主节点的 INFO 中发现了一个从节点，从此开始监控它。"},
    {"sentinel", "+sentinel",
     "Another Sentinel watching the same master announced itself by a hello message.",
     "另一个监控同一主节点的 Sentinel 通过 hello 消息宣告了自己。"},
    {"sentinel", "+sdown",
     "Subjectively down: no valid PING reply for down-after-milliseconds, in this Sentinel's view.",
     "主观下线：在这个 Sentinel 看来，已经超过 down-after-milliseconds 没有收到有效的 PING "
     "回复。"},
    {"sentinel", "-sdown", "It answers PING again: no longer subjectively down.",
     "它重新回复 PING：不再处于主观下线状态。"},
    {"sentinel", "+odown",
     "Objectively down: enough Sentinels (the quorum) agree the master is down.",
     "客观下线：足够数量（quorum）的 Sentinel 都认为主节点已下线。"},
    {"sentinel", "-odown", "Fewer Sentinels than the quorum say it is down now.",
     "现在认为它下线的 Sentinel 少于 quorum。"},
    {"sentinel", "+new-epoch",
     "The current epoch rose: a new election round (each epoch elects at most one leader).",
     "当前纪元（epoch）增加：新一轮选举（每个纪元最多选出一个领头 Sentinel）。"},
    {"sentinel", "+try-failover",
     "This Sentinel wants to fail over the master and asks the others for their votes.",
     "这个 Sentinel 想对主节点进行故障转移，向其他 Sentinel 请求投票。"},
    {"sentinel", "+vote-for-leader",
     "This Sentinel gives its one vote of this epoch to the named Sentinel.",
     "这个 Sentinel 把本纪元唯一的一票投给了指定的 Sentinel。"},
    {"sentinel", "+elected-leader",
     "Elected with a majority: this Sentinel will perform the failover.",
     "获得多数票当选：由这个 Sentinel 执行故障转移。"},
    {"sentinel", "-failover-abort-not-elected",
     "No majority voted for this Sentinel in time: it gives up this attempt.",
     "没有在规定时间内获得多数票：这个 Sentinel 放弃本次尝试。"},
    {"sentinel", "+failover-state-select-slave", "The leader chooses the replica to promote.",
     "领头 Sentinel 开始挑选要提升的从节点。"},
    {"sentinel", "-failover-abort-no-good-slave",
     "No replica is fit to be promoted (down, stale, or priority 0): the failover stops.",
     "没有合适的从节点可以提升（已下线、数据过旧或优先级为 0）：故障转移中止。"},
    {"sentinel", "+selected-slave",
     "This replica is chosen: lowest priority, then most data, then smallest run ID.",
     "选中了这个从节点：优先级最低，其次数据最多，再次运行 ID 最小。"},
    {"sentinel", "+failover-state-send-slaveof-noone",
     "The leader tells the chosen replica SLAVEOF NO ONE to make it a master.",
     "领头 Sentinel 向选中的从节点发送 SLAVEOF NO ONE，使它成为主节点。"},
    {"sentinel", "+failover-state-wait-promotion",
     "Waiting for the replica's INFO to report role:master.",
     "等待该从节点的 INFO 报告 role:master。"},
    {"sentinel", "-failover-abort-slave-timeout",
     "The chosen replica did not become a master within failover-timeout: the failover stops.",
     "选中的从节点在 failover-timeout 内没有成为主节点：故障转移中止。"},
    {"sentinel", "+promoted-slave", "The replica is a master now; its new config epoch is set.",
     "该从节点已成为主节点，并设置了新的配置纪元。"},
    {"sentinel", "+failover-state-reconf-slaves",
     "The other replicas are now pointed at the new master, parallel-syncs at a time.",
     "现在开始让其他从节点复制新的主节点，每次 parallel-syncs 个。"},
    {"sentinel", "+slave-reconf-sent", "SLAVEOF <new master> was sent to this replica.",
     "已向这个从节点发送 SLAVEOF <新主节点>。"},
    {"sentinel", "+slave-reconf-inprog", "The replica follows the new master and is syncing.",
     "该从节点已改为复制新主节点，正在同步。"},
    {"sentinel", "+slave-reconf-done", "The replica is in sync with the new master.",
     "该从节点已与新主节点同步完成。"},
    {"sentinel", "-slave-reconf-sent-timeout",
     "The replica did not start syncing within 10 s: the leader stops waiting for it.",
     "该从节点 10 秒内没有开始同步：领头 Sentinel 不再等待它。"},
    {"sentinel", "+slave-reconf-sent-be",
     "failover-timeout passed: SLAVEOF is sent to the remaining replicas without waiting.",
     "已超过 failover-timeout：直接向剩余的从节点发送 SLAVEOF，不再等待。"},
    {"sentinel", "+failover-end-for-timeout",
     "The failover ends because failover-timeout passed, not every replica confirmed.",
     "故障转移因超过 failover-timeout 而结束，并非所有从节点都已确认。"},
    {"sentinel", "+failover-end", "The failover is complete.", "故障转移完成。"},
    {"sentinel", "+switch-master",
     "This Sentinel now gives the new address for the master name: clients should move.",
     "这个 Sentinel 现在为该主节点名返回新地址：客户端应该切换过去。"},
    {"sentinel", "+config-update-from",
     "A hello with a newer config epoch came from this Sentinel: its master address is adopted.",
     "从这个 Sentinel 收到了更新配置纪元的 hello 消息：采用其中的主节点地址。"},
    {"sentinel", "+convert-to-slave",
     "A replica record reports it is a master (the old master back): it is made a replica.",
     "一个本应是从节点的实例报告自己是主节点（旧主节点回来了）：把它改为从节点。"},
    {"sentinel", "+fix-slave-config",
     "A replica follows the wrong master: it is pointed at the right one.",
     "某个从节点复制了错误的主节点：把它改为复制正确的主节点。"},
    {"sentinel", "+reboot", "The instance restarted: its run ID changed.",
     "该实例重启了：它的运行 ID 发生了变化。"},
    {"sentinel", "+role-change", "The instance reports the role Sentinel expects of it.",
     "该实例报告的角色与 Sentinel 的预期一致。"},
    {"sentinel", "-role-change", "The instance reports a role other than Sentinel expects.",
     "该实例报告的角色与 Sentinel 的预期不一致。"},
    {"sentinel", "+tilt",
     "TILT: the clock jumped or the process stalled; timings are not trusted, nothing is acted on.",
     "TILT 模式：时钟跳变或进程停顿；不再信任计时，暂停一切操作。"},
    {"sentinel", "-tilt", "TILT ends after 30 s: the Sentinel acts again.",
     "30 秒后退出 TILT 模式：Sentinel 恢复正常工作。"},
    {"sentinel", "+reset-master", "SENTINEL RESET: what was known about this master is forgotten.",
     "SENTINEL RESET：关于该主节点的已知信息被清除。"},
    {"sentinel", "+set", "SENTINEL SET changed a setting of this master.",
     "SENTINEL SET 修改了该主节点的一项设置。"},
    {"sentinel", "+sentinel-address-switch",
     "A known Sentinel now announces another address.",
     "一个已知的 Sentinel 现在宣告了另一个地址。"},
    {"sentinel", "+sentinel-invalid-addr",
     "Another Sentinel took over this address: the old record is dropped.",
     "另一个 Sentinel 占用了这个地址：旧的记录被删除。"},
    {"sentinel", "+sentinel-address-update",
     "The Sentinel's new address is applied under the other masters too.",
     "该 Sentinel 的新地址也应用到了其他主节点下的记录。"},

    // --- Faults the scenario injects (keyed by the step's verb) --------------------------------
    {"fault", "kill -9",
     "The process dies at once: its memory is lost, what it saved on disk stays.",
     "进程被立即杀死：内存中的数据丢失，磁盘上保存的数据还在。"},
    {"fault", "kill", "SIGTERM: the process shuts down cleanly, saving its data first.",
     "SIGTERM：进程正常关闭，先保存数据。"},
    {"fault", "shutdown", "redis-cli sends SHUTDOWN: the server saves its data and exits.",
     "redis-cli 发送 SHUTDOWN：服务器保存数据后退出。"},
    {"fault", "start", "The server process starts again from its config file and its disk.",
     "服务器进程根据配置文件和磁盘上的数据重新启动。"},
    {"fault", "pause", "SIGSTOP: the process freezes; its connections stay open.",
     "SIGSTOP：进程被冻结，但它的连接仍然保持。"},
    {"fault", "resume", "SIGCONT: the process runs again and handles what queued up.",
     "SIGCONT：进程恢复运行，处理积压的请求。"},
    {"fault", "partition", "The network between these sides drops every packet.",
     "这些部分之间的网络开始丢弃所有数据包。"},
    {"fault", "heal", "Every network partition is repaired.", "所有网络分区都已修复。"},
    {"fault", "host down", "The machine goes off the network: it answers nothing.",
     "这台机器从网络上消失：对任何请求都不响应。"},
    {"fault", "host up", "The machine is reachable again.", "这台机器重新可以访问。"},
    {"fault", "lag", "Packets on this link now take longer to arrive.",
     "这条链路上的数据包到达得更慢了。"},
    {"fault", "clock jump",
     "This machine's wall clock jumps; timers on the monotonic clock do not.",
     "这台机器的系统时钟发生跳变；基于单调时钟的定时器不受影响。"},
};

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) return out;
    text.remove_prefix(start);
    size_t end = std::min(text.find(' '), text.size());
    out.push_back(text.substr(0, end));
    text.remove_prefix(end);
  }
}

// Whether a fault's step text ("kill -9 replica2") starts with the verb `key` ("kill -9").
bool starts_with_words(std::string_view text, std::string_view key) {
  std::vector<std::string_view> text_words = words(text), key_words = words(key);
  return key_words.size() <= text_words.size() &&
         std::equal(key_words.begin(), key_words.end(), text_words.begin());
}

// The row for a record: by event name, or for a fault the row with the longest matching verb.
const Explanation* find_explanation(const sim::TraceRecord& record) {
  const Explanation* found = nullptr;
  for (const Explanation& e : kExplanations) {
    if (e.kind != record.kind) continue;
    if (record.kind != "fault") {
      if (e.key == record.event) return &e;
    } else if (starts_with_words(record.text, e.key) &&
               (found == nullptr || e.key.size() > found->key.size())) {
      found = &e;
    }
  }
  return found;
}

constexpr size_t kTimelineNodeWidth = 10;  // TimelineSink: "{:>11} {:<10} {} "

}  // namespace

std::span<const Explanation> explanation_table() { return kExplanations; }

std::optional<Language> parse_language(std::string_view code) {
  if (code == "en") return Language::kEnglish;
  if (code == "zh") return Language::kChinese;
  return std::nullopt;
}

std::string_view explain(const sim::TraceRecord& record, Language language) {
  const Explanation* e = find_explanation(record);
  if (e == nullptr) return {};
  return language == Language::kChinese ? e->zh : e->en;
}

ExplainSink::ExplainSink(std::ostream& out, Language language, ExplainLayout layout,
                         std::string node)
    : out_(out), language_(language), layout_(layout), node_(std::move(node)) {}

void ExplainSink::write(const sim::TraceRecord& record) {
  if (!printed(record)) return;
  std::string_view sentence = explain(record, language_);
  if (sentence.empty()) return;
  out_ << std::string(indent(record), ' ') << "= " << sentence << '\n';
}

bool ExplainSink::printed(const sim::TraceRecord& record) const {
  if (layout_ == ExplainLayout::kTimeline) return true;
  return !record.tag.empty() && (node_.empty() || record.node == node_);
}

size_t ExplainSink::indent(const sim::TraceRecord& record) const {
  if (layout_ == ExplainLayout::kRedisLog) {
    return format_redis_log_line(record).size() - record.text.size();
  }
  size_t node_width = std::max(kTimelineNodeWidth, record.node.empty() ? 1 : record.node.size());
  return 11 + 1 + node_width + 1 + 1 + 1;
}

}  // namespace tools
