#include "tools/fuzz_command.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "sim/error.h"
#include "tools/fuzz_run.h"
#include "tools/known_findings.h"

namespace tools {

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kDefaultRuns = 100;

// If the simulator itself crashes (a failed assertion, a bad access), the cases in flight are
// still in DIR/in-flight-<job>.jsonc: the handler says so, then the process dies as it would
// have. The message is built beforehand; the handler only writes it.
char g_crash_message[1024];
size_t g_crash_message_size = 0;

extern "C" void on_crash(int signal) {
  ssize_t ignored = ::write(STDERR_FILENO, g_crash_message, g_crash_message_size);
  (void)ignored;
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void watch_for_crashes(const std::filesystem::path& dir) {
  std::string message = fmt::format(
      "\nredsim fuzz: the simulator crashed while running a case; the cases that were running "
      "are {}/in-flight-<job>.jsonc: replay one with `redsim run FILE`\n",
      dir.string());
  g_crash_message_size = std::min(message.size(), sizeof g_crash_message);
  std::memcpy(g_crash_message, message.data(), g_crash_message_size);
  for (int signal : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(signal, on_crash);
}

struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};

std::optional<Shard> parse_shard(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  try {
    size_t used_k = 0, used_n = 0;
    std::string k = text.substr(0, slash), n = text.substr(slash + 1);
    Shard s{std::stoull(k, &used_k), std::stoull(n, &used_n)};
    if (used_k != k.size() || used_n != n.size() || s.count == 0 || s.index >= s.count ||
        k.starts_with('-') || n.starts_with('-')) {
      return std::nullopt;
    }
    return s;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// A failure, shrunk and written as a scenario file.
struct Counterexample {
  std::string failure;
  std::string message;
  size_t faults_before = 0;
  size_t faults_after = 0;
  uint32_t cases_tried = 0;
  std::filesystem::path file;
};

struct RunRecord {
  uint64_t index = 0;
  uint64_t seed = 0;
  CaseOutcome outcome;
  std::optional<Counterexample> counterexample;
};

class Campaign {
 public:
  Campaign(const FuzzOptions& options, uint64_t seed, Shard shard)
      : options_(options), seed_(seed), shard_(shard) {}

  // Runs until `runs` runs are done or, with a deadline, it passes (the runs already started
  // finish, so the runs done are always the first ones).
  void run(uint64_t runs, std::optional<Clock::time_point> deadline, std::ostream& err);

  const std::vector<RunRecord>& records() const { return records_; }
  double wall_seconds() const { return wall_seconds_; }
  std::string replay_command(uint64_t runs) const {
    return fmt::format("redsim fuzz --seed {} --runs {}{}", seed_, runs,
                       shard_.count > 1 ? fmt::format(" --shard {}/{}", shard_.index, shard_.count)
                                        : "");
  }
  uint64_t seed() const { return seed_; }

 private:
  void worker(uint32_t job, uint64_t runs, std::optional<Clock::time_point> deadline);
  RunRecord play(uint64_t index, const std::filesystem::path& in_flight);
  std::filesystem::path write_counterexample(const RunRecord& r, const ShrinkResult& shrunk,
                                             size_t faults_before);
  void print_progress(std::ostream& err, uint64_t runs, bool final_line);
  std::filesystem::path in_flight_file(uint32_t job) const {
    return options_.out / fmt::format("in-flight-{}.jsonc", job);
  }

  const FuzzOptions& options_;
  uint64_t seed_;
  Shard shard_;
  std::atomic<uint64_t> next_{0};
  std::mutex mutex_;  // guards what follows
  std::condition_variable changed_;
  std::map<uint64_t, RunRecord> done_;
  uint32_t workers_left_ = 0;
  uint64_t violations_ = 0, known_ = 0;
  std::vector<RunRecord> records_;
  Clock::time_point start_;
  uint64_t logged_tens_ = 0;  // the last 10 s mark a progress line was logged at
  double wall_seconds_ = 0;
};

void Campaign::run(uint64_t runs, std::optional<Clock::time_point> deadline, std::ostream& err) {
  start_ = Clock::now();
  workers_left_ = options_.jobs;
  std::vector<std::thread> threads;
  std::filesystem::create_directories(options_.out);
  watch_for_crashes(options_.out);
  for (uint32_t j = 0; j < options_.jobs; ++j) {
    threads.emplace_back([this, j, runs, deadline] { worker(j, runs, deadline); });
  }
  {
    std::unique_lock lock(mutex_);
    while (workers_left_ > 0) {
      changed_.wait_for(lock, std::chrono::seconds(1));
      if (options_.progress) print_progress(err, deadline ? 0 : runs, false);
    }
  }
  for (std::thread& t : threads) t.join();
  for (uint32_t j = 0; j < options_.jobs; ++j) std::filesystem::remove(in_flight_file(j));
  wall_seconds_ = std::chrono::duration<double>(Clock::now() - start_).count();
  if (options_.progress) print_progress(err, deadline ? 0 : runs, true);
  for (auto& [index, record] : done_) records_.push_back(std::move(record));
}

void Campaign::worker(uint32_t job, uint64_t runs, std::optional<Clock::time_point> deadline) {
  std::filesystem::path in_flight = in_flight_file(job);
  for (;;) {
    if (deadline && Clock::now() >= *deadline) break;
    uint64_t index = next_.fetch_add(1);
    if (index >= runs) break;
    RunRecord record = play(index, in_flight);
    std::lock_guard lock(mutex_);
    violations_ += record.outcome.failure().empty() ? 0u : 1u;
    bool known = std::any_of(record.outcome.findings.begin(), record.outcome.findings.end(),
                             [](const Finding& f) { return f.known; });
    known_ += known ? 1u : 0u;
    done_.emplace(index, std::move(record));
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  --workers_left_;
  changed_.notify_all();
}

RunRecord Campaign::play(uint64_t index, const std::filesystem::path& in_flight) {
  RunRecord r;
  r.index = index;
  r.seed = case_seed(seed_, shard_.index + index * shard_.count);
  rc::Shrinkable<FuzzCase> drawn = draw_fuzz_case(r.seed);
  FuzzCase c = case_of(drawn);
  r.outcome = run_case(c, true, &in_flight);
  if (r.outcome.failure().empty()) return r;
  ShrinkResult shrunk = shrink_case(drawn, r.outcome, options_.shrink_budget, &in_flight);
  Counterexample cx;
  cx.failure = r.outcome.failure();
  cx.faults_before = c.faults.size();
  cx.faults_after = shrunk.minimal.faults.size();
  cx.cases_tried = shrunk.cases_tried;
  for (const Finding& f : shrunk.outcome.findings) {
    if (!f.known && f.name == cx.failure) {
      cx.message = f.message;
      break;
    }
  }
  if (cx.message.empty()) {
    cx.message = shrunk.outcome.nondeterminism.value_or(
        shrunk.outcome.errors.empty() ? "" : shrunk.outcome.errors.front());
  }
  cx.file = write_counterexample(r, shrunk, c.faults.size());
  r.counterexample = std::move(cx);
  return r;
}

// Writes the minimal case under --out, never over a different existing file.
std::filesystem::path Campaign::write_counterexample(const RunRecord& r,
                                                     const ShrinkResult& shrunk,
                                                     size_t faults_before) {
  std::string failure = shrunk.outcome.failure();
  std::string message;
  for (const Finding& f : shrunk.outcome.findings) {
    if (!f.known && f.name == failure) message = f.message;
  }
  std::lock_guard lock(mutex_);
  std::filesystem::create_directories(options_.out);
  std::string stem = fmt::format("{}-{:016x}", failure, r.seed);
  std::filesystem::path path;
  std::string text;
  for (int n = 1;; ++n) {
    path = options_.out / (n == 1 ? stem + ".jsonc" : fmt::format("{}-{}.jsonc", stem, n));
    std::vector<std::string> header = {
        fmt::format("redsim fuzz counterexample: {}", failure),
        message.empty() ? shrunk.outcome.nondeterminism.value_or("") : message,
        fmt::format("Found by {}, run {} (case seed {}); shrunk from {} faults to {} ({} cases "
                    "tried).",
                    replay_command(r.index + 1), r.index, r.seed, faults_before,
                    shrunk.minimal.faults.size(), shrunk.cases_tried),
        fmt::format("Replay: redsim run {}", path.string())};
    text = scenario_text(shrunk.minimal, header);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) break;
    std::ifstream in(path, std::ios::binary);
    std::stringstream existing;
    existing << in.rdbuf();
    if (existing.str() == text) return path;  // the same counterexample, found again
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw sim::InputError(fmt::format("cannot write {}", path.string()));
  return path;
}

void Campaign::print_progress(std::ostream& err, uint64_t runs, bool final_line) {
  double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  uint64_t done = done_.size();
  double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  std::string eta;
  if (runs > 0 && rate > 0 && done < runs) {
    eta = fmt::format("  ETA {:.0f}s", static_cast<double>(runs - done) / rate);
  }
  std::string line = fmt::format("runs {}{}  {:.1f}/s  violations {}  known findings {}{}", done,
                                 runs > 0 ? fmt::format("/{}", runs) : "", rate, violations_,
                                 known_, eta);
  // On a terminal the line is rewritten in place; in a log, one line every 10 s.
  static const bool tty = isatty(STDERR_FILENO) != 0;
  auto tens = static_cast<uint64_t>(elapsed / 10);
  if (tty) {
    err << "\r" << line << "\033[K" << (final_line ? "\n" : "") << std::flush;
  } else if (final_line || tens > logged_tens_) {
    err << line << "\n" << std::flush;
    logged_tens_ = tens;
  }
}

nlohmann::ordered_json results_json(const Campaign& c, const FuzzOptions& options, Shard shard) {
  const std::vector<RunRecord>& records = c.records();
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  std::map<std::string, uint64_t> known;
  uint64_t lost = 0, lost_max = 0;
  int64_t outage_max = 0;
  for (const RunRecord& r : records) {
    std::set<std::string> names;
    for (const Finding& f : r.outcome.findings) {
      if (f.known) names.insert(f.name);
    }
    for (const std::string& n : names) ++known[n];
    lost += r.outcome.lost_writes;
    lost_max = std::max(lost_max, r.outcome.lost_writes);
    outage_max = std::max(outage_max, r.outcome.longest_outage.us);
    if (!r.counterexample) continue;
    const Counterexample& cx = *r.counterexample;
    failures.push_back({{"run", r.index},
                        {"case_seed", r.seed},
                        {"failure", cx.failure},
                        {"message", cx.message},
                        {"faults", cx.faults_before},
                        {"faults_shrunk", cx.faults_after},
                        {"shrink_cases", cx.cases_tried},
                        {"file", cx.file.string()},
                        {"replay", "redsim run " + cx.file.string()}});
  }
  nlohmann::ordered_json known_json = nlohmann::ordered_json::object();
  for (const auto& [name, runs] : known) known_json[name] = runs;
  double wall = c.wall_seconds();
  return {{"seed", c.seed()},
          {"shard", fmt::format("{}/{}", shard.index, shard.count)},
          {"runs", records.size()},
          {"jobs", options.jobs},
          {"wall_seconds", wall},
          {"runs_per_second", wall > 0 ? static_cast<double>(records.size()) / wall : 0.0},
          {"violations", failures},
          {"known_findings", known_json},
          {"lost_writes", {{"total", lost}, {"max_per_run", lost_max}}},
          {"longest_outage_seconds", static_cast<double>(outage_max) / 1e6},
          {"replay", c.replay_command(records.size())}};
}

void print_summary(const nlohmann::ordered_json& j, std::ostream& out) {
  out << fmt::format("redsim fuzz: seed {}, shard {}, {} runs in {:.1f} s ({:.1f} runs/s, {} "
                     "job{})\n",
                     j["seed"].get<uint64_t>(), j["shard"].get<std::string>(),
                     j["runs"].get<uint64_t>(), j["wall_seconds"].get<double>(),
                     j["runs_per_second"].get<double>(), j["jobs"].get<uint32_t>(),
                     j["jobs"].get<uint32_t>() == 1 ? "" : "s");
  const auto& failures = j["violations"];
  out << fmt::format("violations: {}\n", failures.size());
  for (const auto& f : failures) {
    out << fmt::format("  {} in run {} (case seed {}): {}\n", f["failure"].get<std::string>(),
                       f["run"].get<uint64_t>(), f["case_seed"].get<uint64_t>(),
                       f["message"].get<std::string>());
    out << fmt::format("    shrunk from {} faults to {} ({} cases tried)\n",
                       f["faults"].get<size_t>(), f["faults_shrunk"].get<size_t>(),
                       f["shrink_cases"].get<uint32_t>());
    out << fmt::format("    replay: {}\n", f["replay"].get<std::string>());
  }
  out << "known findings (faithful Redis, not failures):";
  if (j["known_findings"].empty()) out << " none";
  out << "\n";
  for (const auto& [name, runs] : j["known_findings"].items()) {
    out << fmt::format("  {}: {} run{}\n", name, runs.get<uint64_t>(),
                       runs.get<uint64_t>() == 1 ? "" : "s");
  }
  out << fmt::format("acknowledged writes lost: {} in all, at most {} in a run; longest write "
                     "outage {:.3f} s\n",
                     j["lost_writes"]["total"].get<uint64_t>(),
                     j["lost_writes"]["max_per_run"].get<uint64_t>(),
                     j["longest_outage_seconds"].get<double>());
  out << fmt::format("replay this campaign: {}\n", j["replay"].get<std::string>());
}

}  // namespace

CLI::App* add_fuzz_command(CLI::App& app, FuzzOptions& o) {
  CLI::App* fuzz = app.add_subcommand(
      "fuzz", "Fuzz failover: random deployments and fault schedules, checked against the "
              "invariants; every failure shrunk to a scenario file");
  fuzz->add_option("--runs", o.runs, "Number of runs (default 100)");
  fuzz->add_option("--for", o.for_time, "Run for this long (wall clock), such as 10m")
      ->type_name("DURATION");
  fuzz->add_option("--seed", o.seed, "Campaign seed (default: a fresh one, printed)");
  fuzz->add_option("--jobs", o.jobs, "Simulations run at once (default 1)")
      ->check(CLI::Range(1u, 256u));
  fuzz->add_option("--shard", o.shard, "Run shard K of N (K from 0) of the campaign's runs")
      ->type_name("K/N");
  fuzz->add_option("--out", o.out, "Directory for counterexample scenario files (default "
                                   "fuzz-out)");
  fuzz->add_flag("--json", o.json, "Print the results as JSON");
  fuzz->add_option("--shrink-budget", o.shrink_budget,
                   "Cases tried while shrinking one failure (default 400)");
  return fuzz;
}

uint64_t case_seed(uint64_t seed, uint64_t index) {
  uint64_t z = seed + (index + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int run_fuzz(const FuzzOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<Shard> shard = parse_shard(options.shard);
  if (!shard) {
    err << fmt::format("redsim fuzz: --shard {}: expected K/N with 0 <= K < N, such as 0/4\n",
                       options.shard);
    return 2;
  }
  if (options.runs && options.for_time) {
    err << "redsim fuzz: give --runs or --for, not both\n";
    return 2;
  }
  if (options.jobs == 0) {
    err << "redsim fuzz: --jobs: expected at least 1\n";
    return 2;
  }
  std::optional<Clock::time_point> deadline;
  if (options.for_time) {
    try {
      sim::Duration d = sim::parse_duration(*options.for_time);
      deadline = Clock::now() + std::chrono::microseconds(d.us);
    } catch (const sim::InputError& e) {
      err << fmt::format("redsim fuzz: --for: {}\n", e.what());
      return 2;
    }
  }
  // A fresh campaign seed comes from the operating system: it is printed first, so the
  // campaign replays. This is the only entropy redsim takes from outside a seed; every
  // simulation draws from its case seed alone.
  uint64_t seed = options.seed.value_or(std::random_device{}() * 0x100000000ULL ^
                                        std::random_device{}());
  uint64_t runs = deadline ? UINT64_MAX : options.runs.value_or(kDefaultRuns);
  err << fmt::format("redsim fuzz: seed {}, shard {}/{}, {}, {} job{}\n", seed, shard->index,
                     shard->count,
                     deadline ? "for " + *options.for_time : fmt::format("{} runs", runs),
                     options.jobs, options.jobs == 1 ? "" : "s");
  Campaign campaign(options, seed, *shard);
  campaign.run(runs, deadline, err);
  nlohmann::ordered_json results = results_json(campaign, options, *shard);
  if (options.json) {
    out << results.dump(2) << "\n";
  } else {
    print_summary(results, out);
  }
  return results["violations"].empty() ? 0 : 1;
}

}  // namespace tools
