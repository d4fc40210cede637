// Steps: the `steps` array, and the grammar of a step's "do" string (see step:: in
// scenario.h). Errors point at the offending word inside the string.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "model/resp.h"
#include "sim/error.h"
#include "tools/scenario_reader.h"

namespace tools::scenario_detail {
namespace {

using jsonc::Value;

struct Word {
  std::string_view text;
  size_t offset;  // in the "do" string
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::vector<Word> split_words(std::string_view s) {
  std::vector<Word> words;
  for (size_t i = 0; i < s.size();) {
    if (is_space(s[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    words.push_back({s.substr(start, i - start), start});
  }
  return words;
}

class StepParser;
using VerbParser = std::optional<StepAction> (StepParser::*)();
struct Verb {
  std::string_view name;
  std::string_view usage;
  VerbParser parse;
};

class StepParser {
 public:
  StepParser(Diagnostics& d, const NodeIndex& nodes, const Value& v, std::string path)
      : d_(d), nodes_(nodes), v_(v), path_(std::move(path)), words_(split_words(v.text)),
        limit_(words_.size()) {}

  std::optional<StepAction> parse();

  std::optional<StepAction> kill();
  std::optional<StepAction> shutdown();
  std::optional<StepAction> start();
  std::optional<StepAction> pause();
  std::optional<StepAction> resume();
  std::optional<StepAction> partition();
  std::optional<StepAction> heal();
  std::optional<StepAction> host();
  std::optional<StepAction> lag();
  std::optional<StepAction> clock();
  std::optional<StepAction> redis_cli();
  std::optional<StepAction> wait();
  std::optional<StepAction> sleep();

 private:
  void fail(size_t offset, std::string message) {
    d_.error(v_.position_in_string(offset), path_, std::move(message));
  }
  void fail_usage(size_t offset, std::string message) {
    fail(offset, fmt::format("{} (usage: {})", message, usage_));
  }
  // Word i of the words before limit_, or nullptr after reporting "expected <what>".
  const Word* word(size_t i, std::string_view what) {
    if (i < limit_) return &words_[i];
    size_t at = limit_ < words_.size() ? words_[limit_].offset : v_.text.size();
    fail_usage(at, fmt::format("expected {}", what));
    return nullptr;
  }
  // True when no word is left from i on; otherwise reports the first extra word.
  bool end(size_t i) {
    if (i >= limit_) return true;
    fail_usage(words_[i].offset, fmt::format("unexpected \"{}\"", words_[i].text));
    return false;
  }
  std::optional<std::string> node_named(std::string_view name, size_t offset) {
    if (nodes_.by_name(name) != nullptr) return std::string(name);
    fail(offset, nodes_.unknown_name(name));
    return std::nullopt;
  }
  std::optional<std::string> node(size_t i) {
    const Word* w = word(i, "a node name");
    return w == nullptr ? std::nullopt : node_named(w->text, w->offset);
  }
  std::optional<sim::Duration> duration(const Word& w, std::string_view text) {
    try {
      return sim::parse_duration(text);
    } catch (const sim::InputError& e) {
      fail(w.offset, e.what());
      return std::nullopt;
    }
  }
  // A single-node step: VERB NODE.
  std::optional<std::string> only_node() {
    std::optional<std::string> n = node(1);
    return n && end(2) ? n : std::nullopt;
  }
  std::optional<std::vector<std::string>> node_list(std::string_view text, size_t offset,
                                                    std::set<std::string>& named,
                                                    std::string_view list_name);
  using WaitCondition = decltype(step::WaitUntil::condition);
  std::optional<WaitCondition> wait_condition(size_t first);
  std::optional<WaitCondition> info_condition(size_t first);
  std::optional<WaitCondition> log_condition(size_t first);

  Diagnostics& d_;
  const NodeIndex& nodes_;
  const Value& v_;
  std::string path_;
  std::vector<Word> words_;
  size_t limit_;  // words from limit_ on belong to a later part of the grammar
  std::string_view usage_;
};

constexpr Verb kVerbs[] = {
    {"kill", "kill -9 NODE, or kill NODE for SIGTERM", &StepParser::kill},
    {"shutdown", "shutdown NODE", &StepParser::shutdown},
    {"start", "start NODE [original|current]", &StepParser::start},
    {"pause", "pause NODE", &StepParser::pause},
    {"resume", "resume NODE", &StepParser::resume},
    {"partition", "partition A,B | C,D (two-way) or partition A,B -> C (one-way)",
     &StepParser::partition},
    {"heal", "heal", &StepParser::heal},
    {"host", "host down NODE or host up NODE", &StepParser::host},
    {"lag", "lag FROM TO DURATION", &StepParser::lag},
    {"clock", "clock jump NODE +DURATION or clock jump NODE -DURATION", &StepParser::clock},
    {"redis-cli", "redis-cli [-h HOST] [-p PORT] COMMAND [ARG...] [&]", &StepParser::redis_cli},
    {"wait", "wait until CONDITION within DURATION", &StepParser::wait},
    {"sleep", "sleep DURATION", &StepParser::sleep},
};
constexpr std::string_view kVerbNames[] = {"kill",   "shutdown", "start", "pause",
                                           "resume", "partition", "heal", "host",
                                           "lag",    "clock",    "redis-cli", "wait",
                                           "sleep"};

std::optional<StepAction> StepParser::parse() {
  std::string verbs = list_words(kVerbNames);
  if (words_.empty()) {
    fail(0, fmt::format("expected a step such as \"kill -9 master\": {}", verbs));
    return std::nullopt;
  }
  for (const Verb& verb : kVerbs) {
    if (verb.name != words_[0].text) continue;
    usage_ = verb.usage;
    return (this->*verb.parse)();
  }
  fail(words_[0].offset, fmt::format("unknown step \"{}\"{}: expected {}", words_[0].text,
                                     did_you_mean(words_[0].text, kVerbNames), verbs));
  return std::nullopt;
}

std::optional<StepAction> StepParser::kill() {
  const Word* w = word(1, "a node name");
  if (w == nullptr) return std::nullopt;
  bool sigkill = w->text == "-9";
  if (!sigkill && w->text.starts_with('-')) {
    fail_usage(w->offset, fmt::format("unsupported signal \"{}\"", w->text));
    return std::nullopt;
  }
  size_t at = sigkill ? 2 : 1;
  std::optional<std::string> n = node(at);
  if (!n || !end(at + 1)) return std::nullopt;
  return step::Kill{*n, sigkill};
}

std::optional<StepAction> StepParser::shutdown() {
  std::optional<std::string> n = only_node();
  return n ? std::optional<StepAction>(step::Shutdown{*n}) : std::nullopt;
}

std::optional<StepAction> StepParser::pause() {
  std::optional<std::string> n = only_node();
  return n ? std::optional<StepAction>(step::Pause{*n}) : std::nullopt;
}

std::optional<StepAction> StepParser::resume() {
  std::optional<std::string> n = only_node();
  return n ? std::optional<StepAction>(step::Resume{*n}) : std::nullopt;
}

std::optional<StepAction> StepParser::start() {
  std::optional<std::string> n = node(1);
  if (!n) return std::nullopt;
  step::Start s{*n, step::ConfigFile::kCurrent};
  if (limit_ > 2) {
    const Word& w = words_[2];
    if (w.text == "original") {
      s.config = step::ConfigFile::kOriginal;
    } else if (w.text != "current") {
      fail_usage(w.offset, fmt::format("expected original or current, got \"{}\"", w.text));
      return std::nullopt;
    }
  }
  if (!end(3)) return std::nullopt;
  return s;
}

std::optional<StepAction> StepParser::heal() {
  if (!end(1)) return std::nullopt;
  return step::Heal{};
}

std::optional<StepAction> StepParser::host() {
  const Word* w = word(1, "down or up");
  if (w == nullptr) return std::nullopt;
  if (w->text != "down" && w->text != "up") {
    fail_usage(w->offset, fmt::format("expected down or up, got \"{}\"", w->text));
    return std::nullopt;
  }
  std::optional<std::string> n = node(2);
  if (!n || !end(3)) return std::nullopt;
  return step::Host{*n, w->text == "up"};
}

std::optional<StepAction> StepParser::lag() {
  std::optional<std::string> from = node(1);
  std::optional<std::string> to = from ? node(2) : std::nullopt;
  const Word* w = to ? word(3, "a duration such as 200ms") : nullptr;
  if (w == nullptr || !end(4)) return std::nullopt;
  if (*from == *to) {
    fail_usage(words_[2].offset, "expected two different nodes");
    return std::nullopt;
  }
  std::optional<sim::Duration> extra = duration(*w, w->text);
  if (!extra) return std::nullopt;
  return step::Lag{*from, *to, *extra};
}

std::optional<StepAction> StepParser::clock() {
  const Word* jump = word(1, "jump");
  if (jump == nullptr) return std::nullopt;
  if (jump->text != "jump") {
    fail_usage(jump->offset, fmt::format("expected jump, got \"{}\"", jump->text));
    return std::nullopt;
  }
  std::optional<std::string> n = node(2);
  const Word* w = n ? word(3, "a signed duration such as +30s or -30s") : nullptr;
  if (w == nullptr || !end(4)) return std::nullopt;
  if (!w->text.starts_with('+') && !w->text.starts_with('-')) {
    fail_usage(w->offset, fmt::format("expected a signed duration such as +30s or -30s, got "
                                      "\"{}\"", w->text));
    return std::nullopt;
  }
  std::optional<sim::Duration> delta = duration(*w, w->text.substr(1));
  if (!delta) return std::nullopt;
  return step::ClockJump{*n, w->text[0] == '-' ? sim::Duration{} - *delta : *delta};
}

// Node names separated by commas (one side of a partition, the nodes of a log condition),
// none already in `named`. `offset` is where `text` starts.
std::optional<std::vector<std::string>> StepParser::node_list(std::string_view text,
                                                              size_t offset,
                                                              std::set<std::string>& named,
                                                              std::string_view list_name) {
  std::vector<std::string> names;
  bool ok = true;
  for (size_t start = 0; start <= text.size();) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string_view part = text.substr(start, comma - start);
    size_t b = 0, e = part.size();
    while (b < e && is_space(part[b])) ++b;
    while (e > b && is_space(part[e - 1])) --e;
    std::string_view name = part.substr(b, e - b);
    size_t at = offset + start + b;
    size_t space = static_cast<size_t>(std::find_if(name.begin(), name.end(), is_space) -
                                       name.begin());
    if (name.empty()) {
      fail_usage(at, "expected a node name");
      ok = false;
    } else if (space < name.size()) {
      fail_usage(at + space, "expected ',' between node names");
      ok = false;
    } else if (!node_named(name, at)) {
      ok = false;
    } else if (!named.insert(std::string(name)).second) {
      fail(at, fmt::format("node \"{}\" is named twice in the {}", name, list_name));
      ok = false;
    } else {
      names.emplace_back(name);
    }
    start = comma + 1;
  }
  return ok ? std::optional(std::move(names)) : std::nullopt;
}

std::optional<StepAction> StepParser::partition() {
  size_t begin = words_[0].offset + words_[0].text.size();
  std::string_view rest = std::string_view(v_.text).substr(begin);
  size_t arrow = rest.find("->"), bar = rest.find('|');
  if (arrow == std::string_view::npos && bar == std::string_view::npos) {
    fail_usage(v_.text.size(), "expected sides separated by '|' or '->'");
    return std::nullopt;
  }
  if (arrow != std::string_view::npos && bar != std::string_view::npos) {
    fail_usage(begin + std::max(arrow, bar), "expected either '|' (two-way) or '->' (one-way)");
    return std::nullopt;
  }
  step::Partition p{{}, arrow != std::string_view::npos};
  std::string_view separator = p.one_way ? "->" : "|";
  std::set<std::string> named;
  bool ok = true;
  for (size_t start = 0; start <= rest.size();) {
    size_t next = std::min(rest.find(separator, start), rest.size());
    if (p.one_way && start > 0 && next < rest.size()) {
      fail_usage(begin + next, "a one-way partition has two sides");
      return std::nullopt;
    }
    auto names =
        node_list(rest.substr(start, next - start), begin + start, named, "partition");
    if (names) p.sides.push_back(std::move(*names));
    ok = ok && names.has_value();
    start = next + separator.size();
  }
  if (!ok) return std::nullopt;
  return p;
}

std::optional<StepAction> StepParser::redis_cli() {
  sim::Address addr{"127.0.0.1", 6379};  // redis-cli's defaults
  // A trailing "&", as in a shell: the command runs in the background.
  bool background = limit_ == words_.size() && limit_ > 1 && words_.back().text == "&";
  if (background) --limit_;
  size_t i = 1, addr_offset = words_[0].offset;
  for (; i < limit_ && words_[i].text.starts_with('-'); i += 2) {
    const Word& option = words_[i];
    if (option.text != "-h" && option.text != "-p") {
      fail_usage(option.offset, fmt::format("unsupported option \"{}\"", option.text));
      return std::nullopt;
    }
    bool is_host = option.text == "-h";
    const Word* value = word(i + 1, is_host ? "a host after -h" : "a port after -p");
    if (value == nullptr) return std::nullopt;
    addr_offset = value->offset;
    try {
      if (is_host) addr.host = value->text;
      if (!is_host) addr.port = sim::parse_port(value->text);
    } catch (const sim::InputError& e) {
      fail(value->offset, e.what());
      return std::nullopt;
    }
  }
  const Word* command = word(i, "a command");
  if (command == nullptr) return std::nullopt;
  const NodeSpec* target = nodes_.by_address(addr);
  if (target == nullptr) {
    fail(addr_offset, nodes_.unknown_address(addr));
    return std::nullopt;
  }
  size_t end = background ? words_.back().offset : v_.text.size();
  std::vector<std::string> argv;
  if (!model::split_args(std::string_view(v_.text).substr(command->offset, end - command->offset),
                         argv)) {
    fail_usage(command->offset, "unbalanced quotes in the command");
    return std::nullopt;
  }
  if (argv.empty()) {
    fail_usage(command->offset, "expected a command");
    return std::nullopt;
  }
  return step::RedisCli{target->name, std::move(argv), background};
}

// Conditions of the form NODE <subject> is <value>, with the values each allows.
struct ConditionForm {
  std::string_view subject;
  std::string_view values[2];
};
constexpr ConditionForm kConditionForms[] = {{"role", {"master", "slave"}},
                                             {"master_link_status", {"up", "down"}}};
constexpr std::string_view kSubjects[] = {"role", "master_link_status", "info", "logs"};
constexpr std::string_view kConditionUsage =
    "NODE role is master|slave, NODE master_link_status is up|down, NODE info FIELD is VALUE "
    "or [N of] NODE[,NODE...] logs EVENT [matching TEXT]";

// The words from `first` to limit_: a log condition when the second word is "of", "log" or
// "logs", else an INFO condition.
std::optional<StepParser::WaitCondition> StepParser::wait_condition(size_t first) {
  usage_ = kConditionUsage;
  std::string_view second = first + 1 < limit_ ? words_[first + 1].text : "";
  if (second == "of" || second == "log" || second == "logs") return log_condition(first);
  return info_condition(first);
}

// NODE role is master|slave, NODE master_link_status is up|down, NODE info FIELD is VALUE.
std::optional<StepParser::WaitCondition> StepParser::info_condition(size_t first) {
  std::optional<std::string> n = node(first);
  const Word* subject = n ? word(first + 1, "role, master_link_status, info or logs") : nullptr;
  if (subject == nullptr) return std::nullopt;
  Condition c{*n, std::string(subject->text), ""};
  auto form = std::find_if(std::begin(kConditionForms), std::end(kConditionForms),
                           [&](const ConditionForm& f) { return f.subject == subject->text; });
  size_t next = first + 2;
  if (subject->text == "info") {
    const Word* field = word(next++, "an INFO field name");
    if (field == nullptr) return std::nullopt;
    if (!is_info_field(field->text)) {
      fail(field->offset, fmt::format("expected an INFO field name (lowercase letters, digits "
                                      "and '_'), got \"{}\"", field->text));
      return std::nullopt;
    }
    c.field = field->text;
  } else if (form == std::end(kConditionForms)) {
    fail_usage(subject->offset, fmt::format("unknown condition \"{}\"{}", subject->text,
                                            did_you_mean(subject->text, kSubjects)));
    return std::nullopt;
  }
  const Word* is = word(next, "is");
  if (is != nullptr && is->text != "is") {
    fail_usage(is->offset, fmt::format("expected is, got \"{}\"", is->text));
  }
  const Word* value = is == nullptr || is->text != "is" ? nullptr : word(next + 1, "a value");
  if (value == nullptr || !end(next + 2)) return std::nullopt;
  if (form != std::end(kConditionForms) && value->text != form->values[0] &&
      value->text != form->values[1]) {
    fail(value->offset, fmt::format("expected {} or {}, got \"{}\"", form->values[0],
                                    form->values[1], value->text));
    return std::nullopt;
  }
  c.value = value->text;
  return c;
}

// [N of] NODE[,NODE...] log|logs EVENT [matching TEXT].
std::optional<StepParser::WaitCondition> StepParser::log_condition(size_t first) {
  std::optional<size_t> count;
  size_t i = first;
  if (i + 1 < limit_ && words_[i + 1].text == "of") {
    const Word& n = words_[i];
    size_t parsed = 0;
    auto [end_of_number, error] = std::from_chars(n.text.data(), n.text.data() + n.text.size(),
                                                  parsed);
    if (error != std::errc() || end_of_number != n.text.data() + n.text.size()) {
      fail_usage(n.offset, fmt::format("expected a number of nodes before of, got \"{}\"",
                                       n.text));
      return std::nullopt;
    }
    count = parsed;
    i += 2;
  }
  const Word* list = word(i, "a node name");
  if (list == nullptr) return std::nullopt;
  std::set<std::string> named;
  std::optional<std::vector<std::string>> nodes = node_list(list->text, list->offset, named,
                                                            "list");
  if (!nodes) return std::nullopt;
  const Word* logs = word(i + 1, "logs");
  if (logs == nullptr) return std::nullopt;
  if (logs->text != "log" && logs->text != "logs") {
    fail_usage(logs->offset, fmt::format("expected logs, got \"{}\"", logs->text));
    return std::nullopt;
  }
  const Word* event = word(i + 2, "an event name such as +switch-master");
  if (event == nullptr) return std::nullopt;
  step::LogCondition c{*nodes, count.value_or(nodes->size()), std::string(event->text), ""};
  if (c.count == 0 || c.count > c.nodes.size()) {
    fail(words_[first].offset, fmt::format("expected a number from 1 to {} (the nodes listed), "
                                           "got {}", c.nodes.size(), c.count));
    return std::nullopt;
  }
  if (i + 3 < limit_) {
    const Word& matching = words_[i + 3];
    if (matching.text != "matching") {
      fail_usage(matching.offset, fmt::format("expected matching, got \"{}\"", matching.text));
      return std::nullopt;
    }
    const Word* text = word(i + 4, "a text after matching");
    if (text == nullptr || !end(i + 5)) return std::nullopt;
    c.matching = text->text;
  }
  return c;
}

std::optional<StepAction> StepParser::wait() {
  const Word* until = word(1, "until");
  if (until == nullptr) return std::nullopt;
  if (until->text != "until") {
    fail_usage(until->offset, fmt::format("expected until, got \"{}\"", until->text));
    return std::nullopt;
  }
  size_t within = 0;  // the last "within" ends the condition
  for (size_t i = words_.size(); i-- > 2 && within == 0;) {
    if (words_[i].text == "within") within = i;
  }
  if (within == 0) {
    fail_usage(v_.text.size(), "expected \"within DURATION\" at the end");
    return std::nullopt;
  }
  limit_ = within;
  std::optional<WaitCondition> c = wait_condition(2);
  limit_ = words_.size();
  usage_ = "wait until CONDITION within DURATION";
  const Word* w = word(within + 1, "a duration after within");
  if (w == nullptr || !end(within + 2)) return std::nullopt;
  std::optional<sim::Duration> bound = duration(*w, w->text);
  if (!c || !bound) return std::nullopt;
  return step::WaitUntil{std::move(*c), *bound};
}

std::optional<StepAction> StepParser::sleep() {
  const Word* w = word(1, "a duration such as 2s");
  if (w == nullptr || !end(2)) return std::nullopt;
  std::optional<sim::Duration> d = duration(*w, w->text);
  if (!d) return std::nullopt;
  return step::Sleep{*d};
}

constexpr std::string_view kStepKeys[] = {"at", "do"};

}  // namespace

std::vector<Step> read_steps(Diagnostics& d, const NodeIndex& nodes, const Value& steps,
                             const std::string& path, const std::optional<Until>& until) {
  std::vector<Step> out;
  if (steps.kind != jsonc::Kind::kArray) {
    d.error(steps.pos, path, fmt::format("expected an array of steps, got {}",
                                         jsonc::kind_name(steps.kind)));
    return out;
  }
  sim::Time previous = sim::kTimeZero;  // steps run in file order: times never decrease
  std::string previous_text = "0s";
  for (size_t i = 0; i < steps.items.size() && !d.full(); ++i) {
    ObjectReader r(d, steps.items[i], jsonc::item_path(path, i), kStepKeys);
    if (!r.ok()) continue;
    Step step{previous, "", step::Heal{}, {steps.items[i].pos, r.path()}};
    if (const Value* at = r.get("at")) {
      std::optional<sim::Time> t = read_time(d, *at, r.path("at"), until);
      if (t && *t < previous) {
        d.error(at->pos, r.path("at"),
                fmt::format("{} is before the previous step's time ({}): steps run in file "
                            "order, so their times must not decrease",
                            at->text, previous_text));
      } else if (t) {
        step.at = *t;
        previous_text = at->text;
      }
    }
    previous = step.at;
    const Value* what = r.require("do", "what to do, such as \"kill -9 master\"");
    if (what == nullptr || !read_string(d, *what, r.path("do"))) continue;
    step.text = what->text;
    if (auto action = StepParser(d, nodes, *what, r.path("do")).parse()) {
      step.action = std::move(*action);
      out.push_back(std::move(step));
    }
  }
  return out;
}

}  // namespace tools::scenario_detail
