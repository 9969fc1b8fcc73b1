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

void RunContext::append(const std::string& kind, json data) {
  // The journal must still be where readers look for it; an agent (or anything it left running) may have removed
  // or moved it since the last append. Put it back before writing, and say so right after.
  std::optional<json> moved;
  if (!m_journal.at_path()) {
    moved = restore_journal(*this, actor);
  }
  json line = {{"ts", util::iso8601_utc_ms(world.clock.now_ms())},
               {"runId", run_id},
               {"kind", kind},
               {"data", std::move(data)}};
  // Fold what the journal stores: invalid UTF-8 (a gate's output) becomes U+FFFD in both, never only on disk.
  util::make_storable(line["data"]);
  {
    auto t = profile.time("journal");
    line["seq"] = m_journal.append(line);
  }
  core::Event e;
  e.seq = line["seq"].get<std::int64_t>();
  e.ts = line["ts"].get<std::string>();
  e.run_id = run_id;
  e.kind = kind;
  e.data = line["data"];
  if (kind == "session") {
    session_tokens.add(e.data);
  }
  m_cache.apply(e);
  report.on_event(line, m_cache.state());
  if (moved) {
    append("tamper_detected", std::move(*moved));
  }
}

json RunContext::story_json() const {
  const auto& id = m_cache.state().story_id;
  return id ? json(*id) : json(nullptr);
}

json restore_journal(RunContext& cx, const std::string& role) {
  cx.journal().restore_at_path();
  if (!cx.lock().at_path()) {
    if (auto r = cx.lock().restore_at_path(); !r.ok()) {
      throw Error(r.failure().code, r.failure().message);
    }
  }
  cx.cache().mark_stale();
  return {{"file", ".simmer/events.jsonl"},
          {"role", role},
          {"restored", true},
          {"change", "removed"},
          {"stopsStory", true},
          {"detail", "the journal was removed, moved or replaced by a symlink; restored from the harness's copy"}};
}

}  // namespace simmer::run
