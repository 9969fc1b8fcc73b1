// Implementation notes
// - Input: journal lines as docs/events.md defines them (envelope seq, ts, runId, kind, data). Key order is not
//   assumed: the harness may write them in any order (nlohmann sorts keys, so `data` often comes first).
// - Parsing: simdjson On-Demand, one document per line. The envelope's fields are read in the order they appear;
//   `data` is kept as a raw view and parsed once `kind` is known. Walking the whole envelope to its end is what
//   proves the line is complete: a torn line never reaches its closing brace.
// - Memory: Digest keeps the first 4,096 samples exactly, then folds everything into a fixed log-bucket histogram
//   (gamma 1.02, about 1% relative error). TopK keeps the 20 largest sessions per role and metric. Nothing else
//   grows with the number of lines.

#include "core/stats.hpp"

#include "core/events.hpp"
#include "core/state.hpp"
#include "util/time.hpp"
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <optional>
#include <queue>

namespace simmer::core {

namespace od = simdjson::ondemand;
// Kind and member names come from the journal's vocabulary (core/events.hpp); the lines are read here without
// building the typed form, for speed on large journals (docs/events.md says why).
namespace ev = events;
namespace key = events::key;

static_assert(k_stats_line_padding == simdjson::SIMDJSON_PADDING, "k_stats_line_padding must match simdjson");

// Named, not anonymous: StatsAccumulator::Impl, which has external linkage, holds these types (GCC's
// -Wsubobject-linkage, an error in the batched build where this file is not the main file).
namespace stats_detail {

constexpr std::size_t k_exact_samples = 4096;
constexpr std::size_t k_top_sessions = 20;
constexpr std::size_t k_max_run_ids = 1000;
constexpr double k_outlier_factor = 3.0;
constexpr double k_gamma = 1.02;
constexpr double k_min_value = 1e-6;  // smallest positive value the sketch tells apart from its neighbours
constexpr int k_buckets = 2200;       // gamma^2200 * 1e-6 ~ 8e12: more than any duration in ms or cost in USD

// Quantiles of a stream in bounded memory (see the implementation notes).
class Digest {
public:
  void add(double v) {
    if (!(v >= 0)) {  // negative or NaN: a corrupt figure counts as zero rather than skewing the sketch
      v = 0;
    }
    ++m_count;
    m_sum += v;
    m_max = std::max(m_max, v);
    if (!m_buckets) {
      if (m_exact.size() < k_exact_samples) {
        m_exact.push_back(v);
        return;
      }
      m_buckets = std::make_unique<std::array<std::uint64_t, k_buckets>>();
      m_buckets->fill(0);
      for (double s : m_exact) {
        bucket_add(s);
      }
      m_exact.clear();
      m_exact.shrink_to_fit();
    }
    bucket_add(v);
  }

  std::uint64_t count() const { return m_count; }
  bool exact() const { return !m_buckets; }

  // Nearest-rank percentile, p in (0, 100].
  double percentile(double p) const {
    if (m_count == 0) {
      return 0;
    }
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(m_count)));
    rank = std::clamp<std::uint64_t>(rank, 1, m_count);
    if (!m_buckets) {
      std::vector<double> sorted = m_exact;
      std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1), sorted.end());
      return sorted[rank - 1];
    }
    std::uint64_t seen = m_zeros;
    if (seen >= rank) {
      return 0;
    }
    for (int i = 0; i < k_buckets; ++i) {
      seen += (*m_buckets)[static_cast<std::size_t>(i)];
      if (seen >= rank) {
        return std::min(m_max, k_min_value * std::pow(k_gamma, i + 0.5));
      }
    }
    return m_max;
  }

  // How many samples exceed `threshold` (exact in exact mode, to a bucket's width otherwise).
  std::uint64_t count_above(double threshold) const {
    if (!m_buckets) {
      return static_cast<std::uint64_t>(
          std::count_if(m_exact.begin(), m_exact.end(), [&](double s) { return s > threshold; }));
    }
    std::uint64_t n = 0;
    for (int i = 0; i < k_buckets; ++i) {
      if (k_min_value * std::pow(k_gamma, i + 0.5) > threshold) {
        n += (*m_buckets)[static_cast<std::size_t>(i)];
      }
    }
    return n;
  }

  Distribution distribution() const {
    Distribution d;
    d.count = m_count;
    d.p50 = percentile(50);
    d.p95 = percentile(95);
    d.max = m_max;
    d.sum = m_sum;
    d.exact = exact();
    return d;
  }

private:
  void bucket_add(double v) {
    if (v < k_min_value) {
      ++m_zeros;
      return;
    }
    // Clamped before the conversion: the log of an infinite figure would not fit an int.
    double index = std::floor(std::log(v / k_min_value) / std::log(k_gamma));
    int i = static_cast<int>(std::min(index, static_cast<double>(k_buckets - 1)));
    (*m_buckets)[static_cast<std::size_t>(std::clamp(i, 0, k_buckets - 1))]++;
  }

  std::uint64_t m_count = 0;
  double m_sum = 0;
  double m_max = 0;
  std::vector<double> m_exact;
  std::uint64_t m_zeros = 0;
  std::unique_ptr<std::array<std::uint64_t, k_buckets>> m_buckets;
};

struct SessionRef {
  double value = 0;
  std::int64_t seq = 0;
  std::string story_id;
  std::int64_t attempt = 0;
  std::string session_id;
};

// The k largest sessions by one metric: a min-heap whose top is the smallest kept.
class TopK {
public:
  void offer(SessionRef ref) {
    if (m_heap.size() < k_top_sessions) {
      m_heap.push_back(std::move(ref));
      std::push_heap(m_heap.begin(), m_heap.end(), greater);
    } else if (ref.value > m_heap.front().value) {
      std::pop_heap(m_heap.begin(), m_heap.end(), greater);
      m_heap.back() = std::move(ref);
      std::push_heap(m_heap.begin(), m_heap.end(), greater);
    }
  }
  const std::vector<SessionRef>& items() const { return m_heap; }

private:
  static bool greater(const SessionRef& a, const SessionRef& b) { return a.value > b.value; }
  std::vector<SessionRef> m_heap;
};

struct RoleFigures {
  Digest cost;
  Digest duration;
  TopK top_cost;
  TopK top_duration;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

// Reads `data`'s fields for one kind. Missing or mistyped fields read as zero/empty: the envelope was valid, so
// the event counts, and a figure the harness did not write adds nothing.
//
// On-Demand walks the text lazily, so a syntax error inside `data` surfaces only when a lookup reaches it, and
// after such an error the document is unusable: simdjson abandons its iterator (its parser pointer becomes null)
// and the next lookup dereferences it. So the first error other than "no such field" or "another type" (both of
// which leave the iterator where it was) makes the view broken: every later read returns the default without
// touching the document, and the caller counts the line as malformed instead of using what it read.
class DataView {
public:
  explicit DataView(od::object& obj) : m_obj(obj) {}

  bool broken() const { return m_broken; }

  std::string_view str(std::string_view key) {
    std::string_view out;
    if (!found(m_broken ? simdjson::TAPE_ERROR : m_obj.find_field_unordered(key).get_string().get(out))) {
      return {};
    }
    return out;
  }
  double num(std::string_view key) {
    double out = 0;
    if (!found(m_broken ? simdjson::TAPE_ERROR : m_obj.find_field_unordered(key).get_double().get(out))) {
      return 0;
    }
    return out;
  }
  // A count or an attempt: non-negative and within int64 (a double beyond it cannot be converted).
  std::int64_t integer(std::string_view key) { return static_cast<std::int64_t>(clamp_count(num(key))); }
  bool boolean(std::string_view key) {
    bool out = false;
    if (!found(m_broken ? simdjson::TAPE_ERROR : m_obj.find_field_unordered(key).get_bool().get(out))) {
      return false;
    }
    return out;
  }
  bool object(std::string_view key, od::object& out) {
    return found(m_broken ? simdjson::TAPE_ERROR : m_obj.find_field_unordered(key).get_object().get(out));
  }

  // `v` as a token count: NaN and negatives are 0, and anything past 2^62 is capped there, so the conversion to
  // an integer is defined and a sum of a few such counts cannot wrap.
  static double clamp_count(double v) { return v >= 0 ? std::min(v, 4.0e18) : 0.0; }

private:
  // True when the lookup succeeded; marks the view broken on an error that leaves the document unusable.
  bool found(simdjson::error_code error) {
    if (error != simdjson::SUCCESS && error != simdjson::NO_SUCH_FIELD && error != simdjson::INCORRECT_TYPE) {
      m_broken = true;
    }
    return error == simdjson::SUCCESS;
  }

  od::object& m_obj;
  bool m_broken = false;
};

// Rounds to 1/scale; dividing (not multiplying by 1/scale) keeps 0.1 printed as 0.1.
double round_to(double v, double scale) { return std::round(v * scale) / scale; }

}  // namespace stats_detail

using namespace stats_detail;

struct StatsAccumulator::Impl {
  RunScope scope;
  std::string run_id;
  od::parser parser;
  od::parser data_parser;
  std::string padded;  // add_line's copy of a line that has no padding after it

  StatsReport r;
  std::map<std::string, Digest, std::less<>> phase_durations;
  std::map<std::string, RoleFigures, std::less<>> roles;
  // An orchestrator's session has no story yet (it is choosing one): its cost belongs to the story the next
  // story_selected names, so that the stories' costs add up to the run's.
  double orchestrator_cost_pending = 0.0;
  // begin_lane_journal(): the lines are a lane's. The coordinator runs in scope that had lanes, each [first ts,
  // last ts] and its lane count; each lane run seen, its [first ts, last ts].
  bool lane_lines = false;
  struct Window {
    std::string first, last;
    std::int64_t lanes = 1;
  };
  std::map<std::string, Window, std::less<>> coordinators;
  std::map<std::string, Window, std::less<>> lane_runs;

  void add(const char* line, std::size_t length);
  void apply(std::int64_t seq, std::string_view kind, std::string_view ts, std::string_view run,
             std::string_view data_raw, std::size_t data_capacity);
  bool in_window(std::string_view ts) const {
    return std::any_of(coordinators.begin(), coordinators.end(),
                       [&](const auto& c) { return c.second.first <= ts && ts <= c.second.last; });
  }
  bool in_scope(std::string_view run) const { return scope == RunScope::all || (!run_id.empty() && run == run_id); }
};

void StatsAccumulator::Impl::add(const char* line, std::size_t length) {
  std::string_view text = trim(std::string_view(line, length));
  if (text.empty()) {
    return;
  }
  ++r.lines;
  od::document doc;
  od::object obj;
  if (parser.iterate(text.data(), text.size(), text.size() + k_stats_line_padding).get(doc) ||
      doc.get_object().get(obj)) {
    ++r.malformed_lines;
    return;
  }
  std::int64_t seq = 0;
  bool has_seq = false;
  std::string_view kind, ts, run, data_raw;
  bool has_kind = false;
  bool bad = false;
  for (auto field : obj) {
    std::string_view name;
    if (field.unescaped_key().get(name)) {
      bad = true;
      break;
    }
    auto value = field.value();
    if (name == key::seq) {
      has_seq = !value.get_int64().get(seq);
      bad = !has_seq;
    } else if (name == key::kind) {
      has_kind = !value.get_string().get(kind);
      bad = !has_kind;
    } else if (name == key::ts) {
      bad = value.get_string().get(ts) != simdjson::SUCCESS;
    } else if (name == key::run_id) {
      bad = value.get_string().get(run) != simdjson::SUCCESS;
    } else if (name == key::data) {
      od::object data;
      bad = value.get_object().get(data) || data.raw_json().get(data_raw);
    }  // any other key: its value is skipped when the loop advances
    if (bad) {
      break;
    }
  }
  if (bad || !has_seq || !has_kind) {
    ++r.malformed_lines;
    return;
  }
  if (lane_lines) {
    if (scope != RunScope::all && !in_window(ts)) {
      return;
    }
    Window& w = lane_runs[std::string(run)];
    w.first = w.first.empty() || ts < w.first ? std::string(ts) : w.first;
    w.last = ts > w.last ? std::string(ts) : w.last;
  } else if (!in_scope(run)) {
    return;
  } else if (r.run_ids.empty() || r.run_ids.back() != run) {
    if (!run.empty() && r.run_ids.size() < k_max_run_ids &&
        std::find(r.run_ids.begin(), r.run_ids.end(), run) == r.run_ids.end()) {
      r.run_ids.emplace_back(run);
    }
  }
  // data_raw points into `text`; everything up to the padded end of the line stays readable.
  std::size_t capacity = data_raw.empty() ? 0
                                          : static_cast<std::size_t>(text.data() + text.size() - data_raw.data()) +
                                                k_stats_line_padding;
  apply(seq, kind, ts, run, data_raw, capacity);
}

void StatsAccumulator::Impl::apply(std::int64_t seq, std::string_view kind, std::string_view ts, std::string_view run,
                                   std::string_view data_raw, std::size_t data_capacity) {
  // Everything is read from `data` before anything is counted: a line whose data turns out to be broken
  // half-way counts as malformed and leaves no partial figure behind (see DataView).
  od::document doc;
  od::object data;
  bool has_data = !data_raw.empty() && !data_parser.iterate(data_raw.data(), data_raw.size(), data_capacity).get(doc) &&
                  !doc.get_object().get(data);
  std::optional<DataView> view;
  if (has_data) {
    view.emplace(data);
  }
  // Reads of an event without a data object give the defaults, as for a missing field.
  auto str = [&](std::string_view key) { return view ? view->str(key) : std::string_view(); };
  auto num = [&](std::string_view key) { return view ? view->num(key) : 0.0; };
  auto integer = [&](std::string_view key) { return view ? view->integer(key) : std::int64_t{0}; };
  auto boolean = [&](std::string_view key) { return view && view->boolean(key); };

  struct Session {
    std::string role, story, model, session_id, outcome;
    std::int64_t attempt = 0;
    double duration = 0, cost = 0;
    double input = 0, output = 0, cache_read = 0, cache_write = 0;
  } session;
  std::string_view phase, reason, name, verdict;
  bool passed = false, timed_out = false;
  bool tokens_broken = false;
  if (kind == ev::Session::k_kind) {
    session.role = str(key::role);
    session.story = str(key::story_id);
    session.attempt = integer(key::attempt);
    session.model = str(key::model);
    session.session_id = str(key::session_id);
    session.outcome = str(key::outcome);
    session.duration = num(key::duration_ms);
    session.cost = num(key::cost_usd);
    od::object tokens;
    if (view && view->object(key::tokens, tokens)) {
      DataView t(tokens);
      session.input = DataView::clamp_count(t.num(key::input));
      session.output = DataView::clamp_count(t.num(key::output));
      session.cache_read = DataView::clamp_count(t.num(key::cache_read));
      session.cache_write = DataView::clamp_count(t.num(key::cache_write));
      tokens_broken = t.broken();
    }
  } else if (kind == ev::PhaseFinished::k_kind || kind == ev::PhaseStarted::k_kind) {
    phase = str(key::phase);
    session.duration = num(key::duration_ms);
  } else if (kind == ev::StorySelected::k_kind) {
    session.story = str(key::story_id);
  } else if (kind == ev::RetryScheduled::k_kind) {
    phase = str(key::phase);
    reason = str(key::reason);
  } else if (kind == ev::Gate::k_kind) {
    name = str(key::name);
    passed = boolean(key::passed);
    timed_out = boolean(key::timed_out);
  } else if (kind == ev::Verdict::k_kind) {
    verdict = str(key::verdict);
  }
  std::int64_t lanes = 0;
  od::object limits, parallel;
  if (kind == ev::RunStarted::k_kind && view && view->object(key::limits, limits)) {
    DataView l(limits);
    if (l.object(key::parallel, parallel)) {
      lanes = DataView(parallel).integer(key::lanes);
    }
  }
  if (tokens_broken || (view && view->broken())) {
    ++r.malformed_lines;
    return;
  }

  if (lane_lines) {
    // A lane's line: what it did counts; its run, selection and halt are the coordinator's to count.
    if (kind == ev::StorySelected::k_kind || kind == ev::Halted::k_kind || !has_data) {
      return;
    }
  } else {
    if (lanes > 1) {
      coordinators[std::string(run)].lanes = lanes;  // only runs with lanes have lane journals to window
    }
    if (auto c = coordinators.find(run); c != coordinators.end()) {
      c->second.first = c->second.first.empty() ? std::string(ts) : c->second.first;
      c->second.last = std::string(ts);
    }
    ++r.events;
    if (r.events == 1) {
      r.first_seq = seq;
      r.first_ts = ts;
    }
    r.last_seq = seq;
    r.last_ts = ts;
    if (!has_data) {
      // An event without a data object still counts for the kinds that need nothing from it.
      if (kind == ev::StorySelected::k_kind) {
        ++r.iterations;
      } else if (kind == ev::Halted::k_kind) {
        ++r.halts;
      }
      return;
    }
  }
  if (kind == ev::Session::k_kind) {
    r.tokens_input += static_cast<std::uint64_t>(session.input);
    r.tokens_output += static_cast<std::uint64_t>(session.output);
    r.tokens_cache_read += static_cast<std::uint64_t>(session.cache_read);
    r.tokens_cache_write += static_cast<std::uint64_t>(session.cache_write);
    double cost = session.cost;
    const std::string& role = session.role;
    ++r.sessions;
    ++r.sessions_by_role[role];
    ++r.sessions_by_outcome[session.outcome.empty() ? "unknown" : session.outcome];
    r.cost_usd += cost;
    r.cost_by_model[session.model.empty() ? "unknown" : session.model] += cost;
    r.cost_by_role[role] += cost;
    if (!session.story.empty()) {
      r.cost_by_story[session.story] += cost;
    } else if (role == to_string(AgentRole::orchestrator)) {
      orchestrator_cost_pending += cost;
    }
    auto& figures = roles[role];
    figures.cost.add(cost);
    figures.duration.add(session.duration);
    figures.top_cost.offer({cost, seq, session.story, session.attempt, session.session_id});
    figures.top_duration.offer(
        {session.duration, seq, std::move(session.story), session.attempt, std::move(session.session_id)});
  } else if (kind == ev::PhaseFinished::k_kind) {
    auto it = phase_durations.find(phase);
    if (it == phase_durations.end()) {
      it = phase_durations.emplace(std::string(phase), Digest{}).first;
    }
    it->second.add(session.duration);
  } else if (kind == ev::PhaseStarted::k_kind) {
    if (phase == to_string(Phase::fix)) {
      ++r.fixes;
    }
  } else if (kind == ev::StorySelected::k_kind) {
    ++r.iterations;
    if (!session.story.empty() && orchestrator_cost_pending > 0.0) {
      r.cost_by_story[session.story] += orchestrator_cost_pending;
      orchestrator_cost_pending = 0.0;
    }
  } else if (kind == ev::RetryScheduled::k_kind) {
    auto& counts = r.retries_by_phase[std::string(phase)];
    if (reason == to_string(RetryReason::transient)) {
      ++counts.transient;
    } else if (reason == to_string(RetryReason::usage_limit)) {
      ++counts.usage_limit;
    } else if (reason == to_string(RetryReason::contract)) {
      ++counts.contract;
    }
  } else if (kind == ev::HandoffInvalid::k_kind) {
    ++r.handoff_invalid;
  } else if (kind == ev::Gate::k_kind) {
    for (GateCounts* g : {&r.gates, &r.gates_by_name[std::string(name)]}) {
      ++g->runs;
      g->passed += passed ? 1 : 0;
      g->timed_out += timed_out ? 1 : 0;
    }
  } else if (kind == ev::Verdict::k_kind) {
    ++r.verdicts;
    if (verdict == to_string(VerdictKind::pass)) {
      ++r.verdicts_pass;
    } else if (verdict == to_string(VerdictKind::fail_retry)) {
      ++r.verdicts_fail_retry;
    } else if (verdict == to_string(VerdictKind::fail_abort)) {
      ++r.verdicts_fail_abort;
    }
  } else if (kind == ev::LaneStarted::k_kind) {
    ++r.iterations;  // a coordinator's: its lanes' runs select no story of their own that counts
  } else if (kind == ev::StoryPassed::k_kind) {
    ++r.stories_passed;
  } else if (kind == ev::StoryBlocked::k_kind) {
    ++r.stories_blocked;
  } else if (kind == ev::Halted::k_kind) {
    ++r.halts;
  }
}

StatsAccumulator::StatsAccumulator(RunScope scope, std::string run_id) : m_impl(std::make_unique<Impl>()) {
  m_impl->scope = scope;
  m_impl->run_id = std::move(run_id);
  m_impl->r.scope = scope;
  if (scope != RunScope::all) {
    m_impl->r.run_id = m_impl->run_id;
  }
}
StatsAccumulator::~StatsAccumulator() = default;
StatsAccumulator::StatsAccumulator(StatsAccumulator&&) noexcept = default;
StatsAccumulator& StatsAccumulator::operator=(StatsAccumulator&&) noexcept = default;

void StatsAccumulator::add_line(std::string_view line) {
  m_impl->padded.assign(line);
  m_impl->padded.append(k_stats_line_padding, '\0');
  m_impl->add(m_impl->padded.data(), line.size());
}

void StatsAccumulator::add_padded_line(const char* line, std::size_t length) { m_impl->add(line, length); }

void StatsAccumulator::begin_lane_journal() { m_impl->lane_lines = true; }

StatsReport StatsAccumulator::report() const {
  StatsReport r = m_impl->r;
  auto span_ms = [](const Impl::Window& w) -> std::int64_t {
    auto a = util::parse_iso8601(w.first);
    auto b = util::parse_iso8601(w.last);
    return a.ok() && b.ok() ? std::max<std::int64_t>(0, *b - *a) : 0;
  };
  if (!m_impl->coordinators.empty()) {
    LaneFigures lanes;
    for (const auto& [run, w] : m_impl->coordinators) {
      lanes.lanes = std::max(lanes.lanes, w.lanes);
      lanes.wall_ms += span_ms(w);
    }
    for (const auto& [run, w] : m_impl->lane_runs) {
      lanes.busy_ms += span_ms(w);
    }
    if (lanes.wall_ms > 0) {
      lanes.average_busy = static_cast<double>(lanes.busy_ms) / static_cast<double>(lanes.wall_ms);
      lanes.efficiency = *lanes.average_busy / static_cast<double>(lanes.lanes);
    }
    r.lanes = lanes;
  }
  for (const auto& [phase, digest] : m_impl->phase_durations) {
    r.phase_durations[phase] = digest.distribution();
  }
  if (r.stories_passed > 0) {
    r.cost_per_passed_story = r.cost_usd / static_cast<double>(r.stories_passed);
  }
  std::uint64_t prompt = r.tokens_input + r.tokens_cache_read + r.tokens_cache_write;
  if (prompt > 0) {
    r.cache_hit_ratio = static_cast<double>(r.tokens_cache_read) / static_cast<double>(prompt);
  }
  if (r.gates.runs > 0) {
    r.gate_pass_rate = static_cast<double>(r.gates.passed) / static_cast<double>(r.gates.runs);
  }
  if (r.verdicts > 0) {
    r.verifier_rejection_rate = static_cast<double>(r.verdicts_fail_retry + r.verdicts_fail_abort) /
                                static_cast<double>(r.verdicts);
  }
  for (const auto& [role, figures] : m_impl->roles) {
    struct Metric {
      const char* name;
      const Digest* digest;
      const TopK* top;
    };
    for (const Metric& m : {Metric{"cost", &figures.cost, &figures.top_cost},
                            Metric{"duration", &figures.duration, &figures.top_duration}}) {
      double median = m.digest->percentile(50);
      if (median <= 0) {
        continue;  // with a zero median every non-zero session would be an "outlier": no signal
      }
      double threshold = median * k_outlier_factor;
      r.outlier_count += m.digest->count_above(threshold);
      for (const auto& s : m.top->items()) {
        if (s.value > threshold) {
          r.outliers.push_back({role, s.story_id, s.attempt, s.seq, s.session_id, m.name, s.value, median});
        }
      }
    }
  }
  std::sort(r.outliers.begin(), r.outliers.end(),
            [](const Outlier& a, const Outlier& b) { return a.seq != b.seq ? a.seq < b.seq : a.metric < b.metric; });
  return r;
}

std::optional<std::string> latest_run_id(std::string_view tail) {
  while (!tail.empty()) {
    std::size_t end = tail.size();
    while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == '\r')) {
      --end;
    }
    std::size_t start = tail.rfind('\n', end == 0 ? 0 : end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    std::string_view line = tail.substr(start, end - start);
    auto doc = nlohmann::json::parse(line, nullptr, false);
    if (!doc.is_discarded() && doc.is_object() && doc.contains("seq") && doc["seq"].is_number_integer() &&
        doc.contains("kind") && doc["kind"].is_string() && doc.contains("runId") && doc["runId"].is_string()) {
      return doc["runId"].get<std::string>();
    }
    tail = tail.substr(0, start);
  }
  return std::nullopt;
}

namespace {

nlohmann::json ratio_json(const std::optional<double>& v) {
  return v ? nlohmann::json(round_to(*v, 1e4)) : nlohmann::json(nullptr);
}

nlohmann::json usd_json(double v) { return round_usd(v); }

// The averages over passed stories: every role's cost, sessions and tokens (null when none passed).
nlohmann::json per_passed_story_json(const StatsReport& r) {
  if (r.stories_passed == 0) {
    return nullptr;
  }
  const double n = static_cast<double>(r.stories_passed);
  nlohmann::json by_role = nlohmann::json::object();
  for (const auto& [role, cost] : r.cost_by_role) {
    by_role[role] = usd_json(cost / n);
  }
  auto per = [&](std::uint64_t v) { return round_to(static_cast<double>(v) / n, 10); };
  return {{"usd", usd_json(r.cost_usd / n)},
          {"byRole", by_role},
          {"sessions", per(r.sessions)},
          {"tokens",
           {{"input", per(r.tokens_input)},
            {"output", per(r.tokens_output)},
            {"cacheRead", per(r.tokens_cache_read)},
            {"cacheWrite", per(r.tokens_cache_write)}}}};
}

nlohmann::json usd_map(const std::map<std::string, double>& m) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : m) {
    out[k] = usd_json(v);
  }
  return out;
}

const char* scope_name(RunScope scope) {
  switch (scope) {
    case RunScope::latest:
      return "latest";
    case RunScope::run:
      return "run";
    case RunScope::all:
      return "all";
  }
  return "latest";
}

}  // namespace

nlohmann::json stats_to_json(const StatsReport& r) {
  nlohmann::json j;
  j["schemaVersion"] = 1;
  j["scope"] = scope_name(r.scope);
  j["runId"] = r.run_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.run_id);
  j["runIds"] = r.run_ids;
  j["lines"] = {{"read", r.lines}, {"malformed", r.malformed_lines}};
  j["events"] = {{"count", r.events},
                 {"firstSeq", r.first_seq},
                 {"lastSeq", r.last_seq},
                 {"firstTs", r.first_ts.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.first_ts)},
                 {"lastTs", r.last_ts.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.last_ts)}};
  j["stories"] = {{"passed", r.stories_passed}, {"blocked", r.stories_blocked}};
  j["iterations"] = r.iterations;
  j["lanes"] = nullptr;
  if (r.lanes) {
    auto ratio = [](const std::optional<double>& v) {
      return v ? nlohmann::json(round_to(*v, 1e4)) : nlohmann::json(nullptr);
    };
    j["lanes"] = {{"lanes", r.lanes->lanes},
                  {"wallMs", r.lanes->wall_ms},
                  {"busyMs", r.lanes->busy_ms},
                  {"averageBusy", ratio(r.lanes->average_busy)},
                  {"efficiency", ratio(r.lanes->efficiency)}};
  }
  j["fixes"] = r.fixes;
  j["halts"] = r.halts;
  j["sessions"] = {{"total", r.sessions}, {"byRole", r.sessions_by_role}, {"byOutcome", r.sessions_by_outcome}};
  j["cost"] = {{"totalUsd", usd_json(r.cost_usd)},
               {"byModel", usd_map(r.cost_by_model)},
               {"byRole", usd_map(r.cost_by_role)},
               {"byStory", usd_map(r.cost_by_story)},
               {"perPassedStoryUsd",
                r.cost_per_passed_story ? usd_json(*r.cost_per_passed_story) : nlohmann::json(nullptr)},
               {"perPassedStory", per_passed_story_json(r)}};
  j["tokens"] = {{"input", r.tokens_input},
                 {"output", r.tokens_output},
                 {"cacheRead", r.tokens_cache_read},
                 {"cacheWrite", r.tokens_cache_write},
                 {"cacheHitRatio", ratio_json(r.cache_hit_ratio)}};
  nlohmann::json phases = nlohmann::json::object();
  for (const auto& [phase, d] : r.phase_durations) {
    phases[phase] = {{"count", d.count},
                     {"p50Ms", round_to(d.p50, 1e3)},
                     {"p95Ms", round_to(d.p95, 1e3)},
                     {"maxMs", round_to(d.max, 1e3)},
                     {"totalMs", round_to(d.sum, 1e3)},
                     {"exact", d.exact}};
  }
  j["phaseDurations"] = phases;
  nlohmann::json retries = nlohmann::json::object();
  for (const auto& [phase, c] : r.retries_by_phase) {
    retries[phase] = {{"transient", c.transient}, {"usageLimit", c.usage_limit}, {"contract", c.contract}};
  }
  j["retries"] = retries;
  j["handoffInvalid"] = r.handoff_invalid;
  nlohmann::json by_name = nlohmann::json::object();
  for (const auto& [name, g] : r.gates_by_name) {
    by_name[name] = {{"runs", g.runs}, {"passed", g.passed}, {"timedOut", g.timed_out}};
  }
  j["gates"] = {{"runs", r.gates.runs},
                {"passed", r.gates.passed},
                {"timedOut", r.gates.timed_out},
                {"passRate", ratio_json(r.gate_pass_rate)},
                {"byName", by_name}};
  j["verdicts"] = {{"total", r.verdicts},
                   {"pass", r.verdicts_pass},
                   {"failRetry", r.verdicts_fail_retry},
                   {"failAbort", r.verdicts_fail_abort},
                   {"rejectionRate", ratio_json(r.verifier_rejection_rate)}};
  nlohmann::json outliers = nlohmann::json::array();
  for (const auto& o : r.outliers) {
    outliers.push_back({{"seq", o.seq},
                        {"role", o.role},
                        {"storyId", o.story_id},
                        {"attempt", o.attempt},
                        {"sessionId", o.session_id},
                        {"metric", o.metric},
                        {"value", o.metric == "cost" ? usd_json(o.value) : nlohmann::json(round_to(o.value, 1e3))},
                        {"median", o.metric == "cost" ? usd_json(o.median) : nlohmann::json(round_to(o.median, 1e3))}});
  }
  j["outliers"] = {{"count", r.outlier_count}, {"sessions", outliers}};
  return j;
}

}  // namespace simmer::core
