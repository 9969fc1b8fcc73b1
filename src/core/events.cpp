// Implementation notes: the journal's event vocabulary, docs/events.md; each line's `data` is described by
// schemas/events/<kind>.json (the envelope by schemas/event.json, schemaVersion-free: the kinds only grow).
// - One list per struct, `fields(m, value)`, names every member of `data` with its key and how it is present
//   (Presence). The same list drives writing (Writer) and reading (Reader), so the two cannot drift apart and a key
//   is spelt once (with the constants of events::key).
// - Bytes: nlohmann's objects keep their keys sorted, and util::Journal writes `dump()`, so a line's bytes are a
//   function of its values. Each member keeps the JSON type the shell always wrote for it (int64 counts, double
//   money, uint64 startTime), so to_data(parse(line)) gives back the exact bytes of every line simmer writes:
//   tests/unit/test_core_events.cpp proves it on recorded journals (tests/fixtures/journals/).
// - Unknown members: accepted and ignored. Every schema says `additionalProperties: true` so that a journal a
//   newer simmer extended still folds here. They are not kept: simmer never rewrites a journal line from its
//   typed form (the journal is append-only), so nothing is lost on disk, and a member this version does not know
//   is a member its fold cannot act on. For the same reason, a member written in a JSON type the schema admits but
//   simmer never writes (an integer 0 for costUsd) reads fine and is written back in simmer's type (0.0).
// - Refusals are simmer::Error(journal_corrupt) with the seq, the kind and the JSON pointer, phrased as the schema
//   validator phrases its issues ("expected a string, found a number (3)"), because the two report the same file.

#include "core/events.hpp"

#include <fmt/format.h>

#include <array>
#include <concepts>
#include <limits>
#include <type_traits>
#include <utility>

namespace simmer::core {

using nlohmann::json;

// --- the envelope --------------------------------------------------------------------------------------------

json to_json(const Event& event) {
  namespace key = events::key;
  json out = json::object();
  out[key::seq] = event.seq;
  out[key::ts] = event.ts;
  out[key::run_id] = event.run_id;
  out[key::kind] = event.kind;
  out[key::data] = event.data;
  return out;
}

Result<Event> event_from_json(const json& line) {
  namespace key = events::key;
  auto bad = [&](std::string_view pointer, const char* what) {
    return Failure{fmt::format("invalid event (.simmer/events.jsonl#{}): {}", pointer, what), ExitCode::invalid_input};
  };
  if (!line.is_object()) {
    return bad("", "expected an object");
  }
  auto member = [&](std::string_view name) {
    auto it = line.find(name);
    return it == line.end() ? nullptr : &*it;
  };
  Event e;
  const json* seq = member(key::seq);
  if (!seq || !seq->is_number_integer()) {
    return bad("/seq", "expected an integer");
  }
  e.seq = seq->get<std::int64_t>();
  const json* ts = member(key::ts);
  if (!ts || !ts->is_string()) {
    return bad("/ts", "expected a string");
  }
  e.ts = ts->get<std::string>();
  const json* run_id = member(key::run_id);
  if (!run_id || !run_id->is_string()) {
    return bad("/runId", "expected a string");
  }
  e.run_id = run_id->get<std::string>();
  const json* kind = member(key::kind);
  if (!kind || !kind->is_string()) {
    return bad("/kind", "expected a string");
  }
  e.kind = kind->get<std::string>();
  const json* data = member(key::data);
  if (!data || !data->is_object()) {
    return bad("/data", "expected an object");
  }
  e.data = *data;
  return e;
}

namespace {

// --- the mapping: one list of members per struct --------------------------------------------------------------

// How a member appears in its object (see events.hpp, "Fields").
enum class Presence {
  required,   // always written; a line without it is refused
  nullable,   // a std::optional: always written, null when empty; a line without it is refused
  omitted,    // a std::optional: written only when it holds a value; missing reads as empty
  defaulted,  // always written; missing reads as the member's default
};
constexpr Presence k_required = Presence::required;
constexpr Presence k_null = Presence::nullable;
constexpr Presence k_omitted = Presence::omitted;
constexpr Presence k_default = Presence::defaulted;

// `T` is `U` or `const U`: one list serves the writer (const values) and the reader.
template <class T, class U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

namespace key = events::key;

void fields(auto& m, Is<events::StorySnapshot> auto& v) {
  m(key::id, v.id, k_required);
  m(key::title, v.title, k_default);
  m(key::priority, v.priority, k_default);
  m(key::dependencies, v.dependencies, k_default);
  m(key::epic, v.epic, k_default);
  m(key::status, v.status, k_default);
  m(key::reason, v.reason, k_default);
  m(key::touches, v.touches, k_omitted);
}

void fields(auto& m, Is<events::InputHash> auto& v) {
  m(key::file, v.file, k_required);
  m(key::sha256, v.sha256, k_null);
}

void fields(auto& m, Is<events::Head> auto& v) {
  m(key::branch, v.branch, k_required);
  m(key::sha, v.sha, k_required);
}

// The members the fold reads default to what a journal older than each of them meant (state.hpp's defaults).
void fields(auto& m, Is<Limits> auto& v) {
  m(key::fix, v.fix, k_default);
  m(key::contract, v.contract, k_default);
  m(key::transient, v.transient, k_default);
  m(key::budget_per_story, v.budget_per_story, k_default);
  m(key::budget_total, v.budget_total, k_default);
  m(key::max_iterations, v.max_iterations, k_default);
  m(key::harness_orchestrator, v.harness_orchestrator, k_default);
  m(key::gates, v.gates, k_default);
  m(key::workflow, v.workflow, k_default);
  m(key::parallel, v.parallel, k_omitted);
  m(key::lane, v.lane, k_omitted);
}

void fields(auto& m, Is<Parallel> auto& v) {
  m(key::lanes, v.lanes, k_required);
  m(key::serial, v.serial, k_default);
  m(key::untouched, v.untouched, k_default);
  m(key::integrate, v.integrate, k_default);
  m(key::agent, v.agent, k_default);
  m(key::sessions, v.sessions, k_default);
}

void fields(auto& m, Is<FeedbackNote> auto& v) {
  m(key::path, v.path, k_required);
  m(key::bytes, v.bytes, k_required);
  m(key::preview, v.preview, k_required);
}

void fields(auto& m, Is<events::Tokens> auto& v) {
  m(key::input, v.input, k_required);
  m(key::output, v.output, k_required);
  m(key::cache_read, v.cache_read, k_required);
  m(key::cache_write, v.cache_write, k_required);
}

void fields(auto& m, Is<events::PromptRecord> auto& v) {
  m(key::file, v.file, k_required);
  m(key::sha256, v.sha256, k_required);
  m(key::bytes, v.bytes, k_required);
}

void fields(auto& m, Is<events::Criterion> auto& v) {
  m(key::criterion, v.criterion, k_required);
  m(key::passed, v.passed, k_required);
  m(key::evidence, v.evidence, k_omitted);
}

void fields(auto& m, Is<events::RunStarted> auto& v) {
  m(key::version, v.version, k_required);
  m(key::pid, v.pid, k_required);
  m(key::resumed, v.resumed, k_required);
  m(key::phase, v.phase, k_required);
  m(key::story_id, v.story_id, k_null);
  m(key::stories, v.stories, k_omitted);
  m(key::limits, v.limits, k_omitted);
  m(key::inputs, v.inputs, k_omitted);
  m(key::head, v.head, k_omitted);
  m(key::foreign, v.foreign, k_omitted);
  m(key::started_from, v.started_from, k_omitted);
}

void fields(auto& m, Is<events::RunFinished> auto& v) {
  m(key::result, v.result, k_required);
  m(key::exit_code, v.exit_code, k_required);
}

void fields(auto& m, Is<events::PhaseStarted> auto& v) {
  m(key::phase, v.phase, k_required);
  m(key::story_id, v.story_id, k_null);
  m(key::attempt, v.attempt, k_required);
}

void fields(auto& m, Is<events::PhaseFinished> auto& v) {
  m(key::phase, v.phase, k_required);
  m(key::story_id, v.story_id, k_null);
  m(key::attempt, v.attempt, k_required);
  m(key::duration_ms, v.duration_ms, k_required);
  m(key::outcome, v.outcome, k_required);
}

void fields(auto& m, Is<events::StorySelected> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::by, v.by, k_required);
  m(key::warning, v.warning, k_omitted);
}

void fields(auto& m, Is<events::FeedbackClaimed> auto& v) { m(key::files, v.files, k_required); }

void fields(auto& m, Is<events::SessionLaunched> auto& v) {
  m(key::role, v.role, k_required);
  m(key::story_id, v.story_id, k_null);
  m(key::attempt, v.attempt, k_required);
  m(key::agent, v.agent, k_required);
  m(key::pid, v.pid, k_required);
  m(key::pgid, v.pgid, k_required);
  m(key::start_time, v.start_time, k_required);
  m(key::boot_id, v.boot_id, k_required);
  m(key::transcript, v.transcript, k_required);
  m(key::prompt, v.prompt, k_omitted);
  m(key::tools, v.tools, k_omitted);
}

void fields(auto& m, Is<events::Session> auto& v) {
  m(key::role, v.role, k_required);
  m(key::story_id, v.story_id, k_null);
  m(key::attempt, v.attempt, k_required);
  m(key::agent, v.agent, k_required);
  m(key::model, v.model, k_required);
  m(key::session_id, v.session_id, k_required);
  m(key::tokens, v.tokens, k_required);
  m(key::turns, v.turns, k_required);
  m(key::duration_ms, v.duration_ms, k_required);
  m(key::cost_usd, v.cost_usd, k_required);
  m(key::cost_reported, v.cost_reported, k_required);
  m(key::outcome, v.outcome, k_required);
  m(key::error, v.error, k_required);
  m(key::transcript, v.transcript, k_required);
  m(key::reset_at_ms, v.reset_at_ms, k_omitted);
  m(key::recovered, v.recovered, k_omitted);
}

void fields(auto& m, Is<events::AgentsStopped> auto& v) {
  m(key::run_id, v.run_id, k_required);
  m(key::pids, v.pids, k_required);
  m(key::forced, v.forced, k_required);
}

void fields(auto& m, Is<events::RetryScheduled> auto& v) {
  m(key::phase, v.phase, k_required);
  m(key::reason, v.reason, k_required);
  m(key::delay_ms, v.delay_ms, k_required);
  m(key::retry, v.retry, k_required);
  m(key::not_before_ms, v.not_before_ms, k_required);
}

void fields(auto& m, Is<events::HandoffInvalid> auto& v) {
  m(key::role, v.role, k_required);
  m(key::file, v.file, k_required);
  m(key::errors, v.errors, k_required);
  m(key::repair, v.repair, k_required);
  m(key::max_repairs, v.max_repairs, k_required);
}

void fields(auto& m, Is<events::HandoffAccepted> auto& v) {
  m(key::role, v.role, k_required);
  m(key::file, v.file, k_required);
  m(key::story_id, v.story_id, k_required);
  m(key::attempt, v.attempt, k_required);
}

void fields(auto& m, Is<events::GateOutput> auto& v) {
  m(key::path, v.path, k_required);
  m(key::change, v.change, k_required);
  m(key::sha256, v.sha256, k_omitted);
}

void fields(auto& m, Is<events::Gate> auto& v) {
  m(key::name, v.name, k_required);
  m(key::story_id, v.story_id, k_null);
  m(key::attempt, v.attempt, k_required);
  m(key::exit_code, v.exit_code, k_required);
  m(key::passed, v.passed, k_required);
  m(key::timed_out, v.timed_out, k_required);
  m(key::duration_ms, v.duration_ms, k_required);
  m(key::output_tail, v.output_tail, k_required);
  m(key::hook, v.hook, k_omitted);
  m(key::outputs, v.outputs, k_omitted);
}

void fields(auto& m, Is<events::Verdict> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::attempt, v.attempt, k_required);
  m(key::verdict, v.verdict, k_required);
  m(key::summary, v.summary, k_required);
  m(key::criteria, v.criteria, k_required);
}

void fields(auto& m, Is<events::Commit> auto& v) {
  m(key::story_id, v.story_id, k_null);
  m(key::attempt, v.attempt, k_required);
  m(key::kind, v.kind, k_required);
  m(key::sha, v.sha, k_null);
  m(key::subject, v.subject, k_required);
  m(key::kept_out, v.kept_out, k_omitted);
}

void fields(auto& m, Is<events::StoryPassed> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::attempts, v.attempts, k_required);
  m(key::cost_usd, v.cost_usd, k_required);
}

void fields(auto& m, Is<events::StoryBlocked> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::reason, v.reason, k_required);
}

void fields(auto& m, Is<events::TamperDetected> auto& v) {
  m(key::file, v.file, k_required);
  m(key::restored, v.restored, k_required);
  m(key::role, v.role, k_omitted);
  m(key::change, v.change, k_omitted);
  m(key::detail, v.detail, k_omitted);
  m(key::saved_as, v.saved_as, k_omitted);
  m(key::stops_story, v.stops_story, k_omitted);
}

void fields(auto& m, Is<events::Halted> auto& v) {
  m(key::reason, v.reason, k_required);
  m(key::detail, v.detail, k_required);
  m(key::epic, v.epic, k_omitted);
}

void fields(auto& m, Is<events::Interrupted> auto& v) { m(key::signal, v.signal, k_required); }

void fields(auto& m, Is<events::Warning> auto& v) { m(key::message, v.message, k_required); }

void fields(auto& m, Is<events::LaneStarted> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::branch, v.branch, k_required);
  m(key::worktree, v.worktree, k_required);
  m(key::base, v.base, k_required);
}

void fields(auto& m, Is<events::LaneFinished> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::result, v.result, k_required);
  m(key::head, v.head, k_required);
  m(key::attempts, v.attempts, k_required);
  m(key::cost_usd, v.cost_usd, k_required);
  m(key::summary, v.summary, k_required);
  m(key::reason, v.reason, k_required);
  m(key::halt, v.halt, k_omitted);
}

void fields(auto& m, Is<events::LaneBootstrapped> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::copied, v.copied, k_required);
  m(key::skipped, v.skipped, k_required);
  m(key::setup, v.setup, k_required);
  m(key::exit_code, v.exit_code, k_required);
  m(key::passed, v.passed, k_required);
  m(key::timed_out, v.timed_out, k_required);
  m(key::duration_ms, v.duration_ms, k_required);
  m(key::output_tail, v.output_tail, k_required);
}

void fields(auto& m, Is<events::Landed> auto& v) {
  m(key::branch, v.branch, k_required);
  m(key::head, v.head, k_required);
  m(key::onto, v.onto, k_required);
  m(key::mode, v.mode, k_required);
  m(key::before, v.before, k_required);
  m(key::after, v.after, k_required);
  m(key::branch_kept, v.branch_kept, k_required);
}

void fields(auto& m, Is<events::LaneTouched> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::head, v.head, k_required);
  m(key::paths, v.paths, k_required);
}

void fields(auto& m, Is<events::MergeRebased> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::onto, v.onto, k_required);
  m(key::head, v.head, k_required);
  m(key::commits, v.commits, k_required);
}

void fields(auto& m, Is<events::MergeConflicted> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::onto, v.onto, k_required);
  m(key::files, v.files, k_required);
  m(key::hunks, v.hunks, k_required);
}

void fields(auto& m, Is<events::MergeGate> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::name, v.name, k_required);
  m(key::exit_code, v.exit_code, k_required);
  m(key::passed, v.passed, k_required);
  m(key::timed_out, v.timed_out, k_required);
  m(key::duration_ms, v.duration_ms, k_required);
  m(key::output_tail, v.output_tail, k_required);
  m(key::outputs, v.outputs, k_omitted);
}

void fields(auto& m, Is<events::Merged> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::branch, v.branch, k_required);
  m(key::pre_merge, v.pre_merge, k_required);
  m(key::sha, v.sha, k_required);
}

void fields(auto& m, Is<events::MergeFailed> auto& v) {
  m(key::story_id, v.story_id, k_required);
  m(key::key, v.key, k_required);
  m(key::kind, v.kind, k_required);
  m(key::summary, v.summary, k_required);
  m(key::name, v.name, k_required);
  m(key::output, v.output, k_required);
}

void fields(auto& m, Is<events::Steered> auto& v) {
  m(key::action, v.action, k_required);
  m(key::story_id, v.story_id, k_null);
  m(key::by, v.by, k_required);
  m(key::request, v.request, k_required);
  m(key::refused, v.refused, k_omitted);
}

// --- writing and reading ---------------------------------------------------------------------------------------

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

// A struct with a member list (not a scalar, enum, vector or optional).
template <class T>
concept Record = std::is_class_v<T> && !std::same_as<T, std::string> && !IsVector<T>::value && !IsOptional<T>::value;

class Writer {
public:
  explicit Writer(json& out) : m_out(out) {}

  template <class V>
  void operator()(std::string_view key, const V& member, Presence presence) {
    if constexpr (IsOptional<V>::value) {
      if (!member) {
        if (presence == Presence::nullable) {
          m_out[key] = nullptr;
        }
        return;
      }
      m_out[key] = value(*member);
    } else {
      m_out[key] = value(member);
    }
  }

  template <class V>
  static json value(const V& v) {
    if constexpr (std::is_enum_v<V>) {
      return json(to_string(v));
    } else if constexpr (IsVector<V>::value) {
      json out = json::array();
      for (const auto& item : v) {
        out.push_back(value(item));
      }
      return out;
    } else if constexpr (Record<V>) {
      json out = json::object();
      Writer w(out);
      fields(w, v);
      return out;
    } else {
      return json(v);  // string, bool, int64, uint64, double: the JSON type simmer always wrote for the member
    }
  }

private:
  json& m_out;
};

// What a value is, for the "found ..." half of a message (the schema validator's words).
std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::string: {
      std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
      return text.size() <= 80 ? text : text.substr(0, 77) + "…\"";
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number (" + value.dump() + ")";
    case json::value_t::array:
      return value.empty() ? "an empty array"
                           : fmt::format("an array of {} item{}", value.size(), value.size() == 1 ? "" : "s");
    case json::value_t::object:
      return value.empty() ? "an empty object"
                           : fmt::format("an object with {} propert{}", value.size(), value.size() == 1 ? "y" : "ies");
    default:
      return "an unusual value";
  }
}

// The line being read, for messages.
struct Line {
  std::int64_t seq = 0;
  std::string_view kind;

  [[noreturn]] void fail(const std::string& pointer, const std::string& why) const {
    throw Error(ExitCode::journal_corrupt,
                fmt::format("invalid journal event (.simmer/events.jsonl#{}): {} (seq {}, kind {})", pointer, why, seq,
                            kind));
  }
};

class Reader {
public:
  Reader(const Line& line, const json& object, std::string pointer)
      : m_line(line), m_object(object), m_pointer(std::move(pointer)) {}

  template <class V>
  void operator()(std::string_view key, V& member, Presence presence) {
    auto it = m_object.find(key);
    if (it == m_object.end()) {
      if (presence == Presence::omitted || presence == Presence::defaulted) {
        return;  // the member keeps its default: empty, or the struct's initial value
      }
      m_line.fail(m_pointer, fmt::format("expected property \"{}\", found nothing", key));
    }
    std::string pointer = fmt::format("{}/{}", m_pointer, key);
    if constexpr (IsOptional<V>::value) {
      if (it->is_null() && presence == Presence::nullable) {
        member.reset();
        return;
      }
      typename V::value_type inner{};
      read(*it, pointer, inner);
      member = std::move(inner);
    } else {
      read(*it, pointer, member);
    }
  }

private:
  template <class V>
  void read(const json& j, const std::string& pointer, V& out) const {
    if constexpr (std::same_as<V, std::string>) {
      expect(j.is_string(), j, pointer, "a string");
      out = j.get<std::string>();
    } else if constexpr (std::same_as<V, bool>) {
      expect(j.is_boolean(), j, pointer, "a boolean");
      out = j.get<bool>();
    } else if constexpr (std::same_as<V, double>) {
      expect(j.is_number(), j, pointer, "a number");
      out = j.get<double>();
    } else if constexpr (std::same_as<V, std::uint64_t>) {
      expect(j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0), j, pointer,
             "a non-negative integer");
      out = j.get<std::uint64_t>();
    } else if constexpr (std::is_integral_v<V>) {
      // A float with no fraction (1e300) is an "integer" to the schema, but has no int64 value: converting it
      // would be undefined behaviour, so only numbers stored as integers are read, within the member's range.
      expect(j.is_number_integer(), j, pointer, "an integer");
      bool fits = j.is_number_unsigned()
                      ? j.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<V>::max())
                      : j.get<std::int64_t>() >= std::numeric_limits<V>::min() &&
                            j.get<std::int64_t>() <= std::numeric_limits<V>::max();
      expect(fits, j, pointer,
             fmt::format("an integer from {} to {}", std::numeric_limits<V>::min(), std::numeric_limits<V>::max()));
      out = static_cast<V>(j.is_number_unsigned() ? static_cast<std::int64_t>(j.get<std::uint64_t>())
                                                  : j.get<std::int64_t>());
    } else if constexpr (std::is_enum_v<V>) {
      std::optional<V> value = j.is_string() ? from_string<V>(j.get<std::string>()) : std::nullopt;
      if (!value) {
        std::string names;
        for (std::string_view name : names_of<V>()) {
          names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", name);
        }
        m_line.fail(pointer, fmt::format("expected one of {}, found {}", names, describe(j)));
      }
      out = *value;
    } else if constexpr (IsVector<V>::value) {
      expect(j.is_array(), j, pointer, "an array");
      out.clear();
      out.reserve(j.size());
      for (std::size_t i = 0; i < j.size(); ++i) {
        typename V::value_type item{};
        read(j[i], fmt::format("{}/{}", pointer, i), item);
        out.push_back(std::move(item));
      }
    } else {
      static_assert(Record<V>);
      expect(j.is_object(), j, pointer, "an object");
      Reader inner(m_line, j, pointer);
      fields(inner, out);
    }
  }

  void expect(bool ok, const json& j, const std::string& pointer, const std::string& what) const {
    if (!ok) {
      m_line.fail(pointer, fmt::format("expected {}, found {}", what, describe(j)));
    }
  }

  const Line& m_line;
  const json& m_object;
  std::string m_pointer;
};

template <class T>
EventData read_kind(const Line& line, const json& data) {
  T out{};
  if (!data.is_object()) {
    line.fail("/data", fmt::format("expected an object, found {}", describe(data)));
  }
  Reader reader(line, data, "/data");
  fields(reader, out);
  return out;
}

template <std::size_t... I>
EventData read_any(const Line& line, const json& data, std::index_sequence<I...>) {
  using Reading = EventData (*)(const Line&, const json&);
  static constexpr std::array<std::pair<std::string_view, Reading>, sizeof...(I)> k_readers{
      {{std::variant_alternative_t<I, EventData>::k_kind, &read_kind<std::variant_alternative_t<I, EventData>>}...}};
  for (const auto& [name, reading] : k_readers) {
    if (name == line.kind) {
      return reading(line, data);
    }
  }
  line.fail("/kind", fmt::format("unknown kind \"{}\"", line.kind));
}

template <std::size_t... I>
std::vector<std::string_view> names(std::index_sequence<I...>) {
  return {std::variant_alternative_t<I, EventData>::k_kind...};
}

}  // namespace

std::string_view kind_name(const EventData& data) {
  return std::visit([](const auto& e) { return std::remove_cvref_t<decltype(e)>::k_kind; }, data);
}

const std::vector<std::string_view>& kind_names() {
  static const std::vector<std::string_view> k_names = names(
      std::make_index_sequence<std::variant_size_v<EventData>>{});
  return k_names;
}

json to_data(const EventData& data) {
  return std::visit([](const auto& e) { return Writer::value(e); }, data);
}

EventData data_from_json(std::string_view kind, const json& data, std::int64_t seq) {
  return read_any(Line{seq, kind}, data, std::make_index_sequence<std::variant_size_v<EventData>>{});
}

TypedEvent parse_event(const Event& event) {
  return TypedEvent{event.seq, event.ts, event.run_id, data_from_json(event.kind, event.data, event.seq)};
}

Event to_event(const TypedEvent& event) {
  return Event{event.seq, event.ts, event.run_id, std::string(kind_name(event.data)), to_data(event.data)};
}

json limits_to_json(const Limits& limits) { return Writer::value(limits); }

json criteria_to_json(const std::vector<events::Criterion>& criteria) { return Writer::value(criteria); }

}  // namespace simmer::core
