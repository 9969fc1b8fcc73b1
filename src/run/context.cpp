#include "run/context.hpp"

#include "util/strings.hpp"
#include "util/time.hpp"

namespace simmer::run {

using nlohmann::json;

RunContext::RunContext(const store::ProjectPaths& project, const CookOptions& cook_options, core::Config run_config,
                       core::Prd run_prd, util::Journal journal, util::ProjectLock& lock, StateCache cache,
                       RunInputs pinned, World outside, Reporter& reporter, const std::atomic<bool>& cancel_flag,
                       const std::atomic<int>& signal)
    : paths(project),
      options(cook_options),
      config(std::move(run_config)),
      prd(std::move(run_prd)),
      inputs(std::move(pinned)),
      world(outside),
      report(reporter),
      profile(cook_options.profile),
      cancel(cancel_flag),
      signal_number(signal),
      m_journal(std::move(journal)),
      m_lock(lock),
      m_cache(std::move(cache)) {}

void RunContext::append(const core::EventData& event) {
  // The journal must still be where readers look for it; an agent (or anything it left running) may have removed
  // or moved it since the last append. Put it back before writing, and say so right after.
  std::optional<core::events::TamperDetected> moved;
  if (!m_journal.at_path()) {
    moved = restore_journal(*this, actor);
  }
  const std::string kind(core::kind_name(event));
  json line = {{"ts", util::iso8601_utc_ms(world.clock.now_ms())},
               {"runId", run_id},
               {"kind", kind},
               {"data", core::to_data(event)}};
  // Fold what the journal stores: invalid UTF-8 (a gate's output) becomes U+FFFD in both, never only on disk.
  util::make_storable(line["data"]);
  {
    auto t = profile.time("journal");
    line["seq"] = m_journal.append(line);
  }
  // The typed form of what was stored, read once for the fold and the reporter.
  core::Event stored;
  stored.seq = line["seq"].get<std::int64_t>();
  stored.ts = line["ts"].get<std::string>();
  stored.run_id = run_id;
  stored.kind = kind;
  stored.data = line["data"];
  const core::TypedEvent typed = core::parse_next(m_cache.state(), stored);
  if (const auto* session = std::get_if<core::events::Session>(&typed.data)) {
    session_tokens.add(*session);
  }
  m_cache.apply(typed);
  report.on_event(line, typed, m_cache.state());
  if (moved) {
    append(*moved);
  }
}

core::events::TamperDetected restore_journal(RunContext& cx, const std::string& role) {
  cx.journal().restore_at_path();
  if (!cx.lock().at_path()) {
    if (auto r = cx.lock().restore_at_path(); !r.ok()) {
      throw Error(r.failure().code, r.failure().message);
    }
  }
  cx.cache().mark_stale();
  return {.file = ".simmer/events.jsonl",
          .restored = true,
          .role = role,
          .change = core::TamperChange::removed,
          .detail = "the journal was removed, moved or replaced by a symlink; restored from the harness's copy",
          .stops_story = true};
}

}  // namespace simmer::run
