// Implementation notes: the coordinator's order of work for each lane.
// - StartLane opens the worktree before lane_started is journaled: killed in between, the next run finds the
//   worktree registered on its simmer/<run>/<story> branch (with no commit on it yet) and reuses it.
// - A lane's process reads the one-story prd.json the coordinator writes into its folder at every launch, and a
//   merge-failed.json when the merge queue sent the story back; the lane journals that failure once (its `key` is
//   the seq of the coordinator's decision), so a launch repeated after a kill does not count it twice.
// - lane_finished is journaled only from the lane's own journal: its last event must be run_finished with a
//   result (passed, blocked, halted). A lane that ended otherwise (killed, crashed, interrupted on its own) is
//   launched again by the next RunLane, a bounded number of times in a row; its resume is its own.
// - The merge queue's steps act on the worktree and the checkout; each asks git for the facts (run/lane_git.hpp),
//   so repeating one after a kill does the same thing.

#include "run/lanes.hpp"

#include "core/contracts.hpp"
#include "run/gate_phase.hpp"
#include "run/git.hpp"
#include "run/lane_git.hpp"
#include "run/loop.hpp"
#include "store/journal_events.hpp"
#include "util/atomic_file.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>

#include <unistd.h>

namespace simmer::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Launches in a row that ended without a result before the run stops with the lane's own words.
constexpr int k_max_relaunches = 3;
// A lane's journaled write set beyond this many paths is its top folders (Lanes::observe).
constexpr std::size_t k_max_touched = 1000;
// A lane whose lock is still held (its predecessor, told to stop when a killed coordinator died, is finishing) is
// launched again this many times, 200 ms apart.
constexpr int k_max_lock_waits = 100;

Error lane_error(const std::string& id, const Failure& f) {
  return Error(f.code, fmt::format("lane {}: {}", id, f.message));
}

std::string how_it_ended(const util::ProcessResult& r) {
  if (!r.spawned) {
    return r.spawn_error;
  }
  if (r.term_signal != 0) {
    return fmt::format("killed by signal {}", r.term_signal);
  }
  return fmt::format("exit {}", r.exit_code);
}

}  // namespace

std::optional<core::events::MergeFailed> lane_failure(const store::ProjectPaths& paths, const core::State& state) {
  if (!state.limits.lane.value_or(false)) {
    return std::nullopt;
  }
  const fs::path file = paths.dir / "merge-failed.json";
  auto text = util::read_if_readable(file);
  if (!text) {
    return std::nullopt;
  }
  json doc = json::parse(*text, nullptr, false);
  if (!doc.is_object() || !doc.contains("key") || !doc["key"].is_number_integer()) {
    throw Error(ExitCode::failure, fmt::format("{}: not a merge failure the coordinator wrote", file.string()));
  }
  core::events::MergeFailed out{
      .story_id = doc.value("storyId", ""),
      .key = doc["key"].get<std::int64_t>(),
      .kind = core::from_string<core::FailureKind>(doc.value("kind", "merge")).value_or(core::FailureKind::merge),
      .summary = doc.value("summary", ""),
      .name = doc.value("name", ""),
      .output = doc.value("output", "")};
  if (out.key <= state.merge_key || !state.story_id || *state.story_id != out.story_id) {
    return std::nullopt;
  }
  return out;
}

std::vector<core::FeedbackNote> lane_guidance(const store::ProjectPaths& paths, const core::State& state) {
  if (!state.limits.lane.value_or(false) || state.feedback_claimed > 0) {
    return {};
  }
  const fs::path file = paths.dir / "guidance.json";
  auto text = util::read_if_readable(file);
  if (!text) {
    return {};
  }
  json doc = json::parse(*text, nullptr, false);
  std::vector<core::FeedbackNote> notes;
  for (const json& n : doc.is_array() ? doc : json::array()) {
    if (!n.is_object() || !n.contains("path") || !n["path"].is_string() || !n.contains("bytes") ||
        !n["bytes"].is_number_integer() || !n.contains("preview") || !n["preview"].is_string()) {
      notes.clear();
      break;
    }
    notes.push_back({n["path"].get<std::string>(), n["bytes"].get<std::int64_t>(), n["preview"].get<std::string>()});
  }
  if (!doc.is_array() || notes.size() != doc.size()) {
    throw Error(ExitCode::failure, fmt::format("{}: not the feedback notes the coordinator wrote", file.string()));
  }
  return notes;
}

Lanes::~Lanes() {
  try {
    stop_all();
  } catch (...) {
  }
}

void Lanes::start(const core::effects::StartLane& effect) {
  const std::string& id = effect.story_id;
  const fs::path& root = m_cx.paths.root;
  auto where = lane_worktree_path(root, id);
  if (!where.ok()) {
    throw lane_error(id, where.failure());
  }
  // A worktree already there is this story's, opened by a run killed before it journaled lane_started.
  std::string branch = worktree_branch(root, *where);
  if (branch.rfind("simmer/", 0) != 0) {
    branch = fmt::format("simmer/{}/{}", m_cx.run_id, id);
  }
  const std::string base = rev_parse(root, "HEAD");
  if (base.empty()) {
    throw Error(ExitCode::invalid_input, fmt::format("lane {}: the integration branch has no commit yet ({}): "
                                                     "commit something first, a lane starts from a commit",
                                                     id, root.string()));
  }
  auto opened = open_lane(root, *where, branch, base);
  if (!opened.ok()) {
    throw lane_error(id, opened.failure());
  }
  bootstrap_worktree(m_cx, id, *where);
  m_cx.append(core::events::LaneStarted{.story_id = id, .branch = branch, .worktree = where->string(), .base = base});
}

void Lanes::ensure_live(const core::effects::RunLane& effect) {
  const std::string& id = effect.story_id;
  if (m_live.count(id) != 0) {
    return;
  }
  const core::LaneState& lane = m_cx.state().lanes.at(id);
  // A worktree folder someone deleted is added again on its branch, with its commits.
  auto opened = open_lane(m_cx.paths.root, lane.worktree, lane.branch, lane.base);
  if (!opened.ok()) {
    throw lane_error(id, opened.failure());
  }
  const fs::path dir = m_cx.paths.lane_dir(id);
  util::ensure_dir(dir);
  // The lane's PRD: its one story, its dependencies merged already.
  core::Prd one = m_cx.prd;
  one.stories.clear();
  if (const core::Story* story = m_cx.prd.find(id)) {
    core::Story s = *story;
    s.dependencies.clear();
    s.status = core::StoryStatus::pending;
    s.blocked_reason.reset();
    one.stories.push_back(std::move(s));
  }
  util::write_file_atomic(dir / "prd.json", core::canonical_json(json(one)));
  if (!lane.guidance.empty()) {
    // The notes claimed for this story, each with its absolute path (the lane's root is its worktree).
    json notes = json::array();
    for (const core::FeedbackNote& n : lane.guidance) {
      notes.push_back({{"path", (m_cx.paths.root / n.path).string()}, {"bytes", n.bytes}, {"preview", n.preview}});
    }
    util::write_file_atomic(dir / "guidance.json", core::canonical_json(notes));
  }
  const fs::path failed = dir / "merge-failed.json";
  if (effect.failure && effect.failure->kind == core::FailureKind::merge) {
    // A conflict: FIX resolves it on the integration tip (run/lane_git.hpp).
    auto moved = restack_lane(lane.worktree, id, effect.failure_key, rev_parse(m_cx.paths.root, "HEAD"));
    if (!moved.ok()) {
      throw lane_error(id, moved.failure());
    }
  }
  if (effect.failure) {
    const core::FailureNote& f = *effect.failure;
    util::write_file_atomic(failed, core::canonical_json(json{{"storyId", id},
                                                              {"key", effect.failure_key},
                                                              {"kind", std::string(core::to_string(f.kind))},
                                                              {"summary", f.summary},
                                                              {"name", f.name},
                                                              {"output", f.output}}));
  }
  launch(id, lane.worktree);
}

void Lanes::launch(const std::string& id, const std::string& worktree) {
  util::ProcessSpec spec;
  spec.argv = {m_cx.options.simmer_exe.string(), "cook", "--lane", id, "--worktree", worktree};
  if (!m_cx.options.overrides.is_null()) {
    spec.argv.insert(spec.argv.end(), {"--lane-overrides", m_cx.options.overrides.dump()});
  }
  spec.cwd = m_cx.paths.project();
  spec.env = {{"SIMMER_COORDINATOR_PID", std::to_string(::getpid())}};
  spec.unset_env = {"SIMMER_RUN_ID"};
  spec.tail_bytes = 16 * 1024;
  spec.drain_after_exit_ms = 200;
  spec.kill_grace_ms = 15000;  // the lane stops its own agent (2 s) and journals its interruption
  auto child = std::make_unique<Child>();
  Child* c = child.get();
  c->thread = std::thread([this, c, id, spec = std::move(spec)] {
    c->result = util::run_process(
        spec, [&](util::StreamId, std::string_view line, bool) { print_line(id, line); }, &c->cancel);
    c->done = true;
  });
  m_live.emplace(id, std::move(child));
}

void Lanes::print_line(const std::string& id, std::string_view line) {
  if (m_cx.options.output == OutputMode::json_lines) {
    return;  // stdout is the coordinator's JSON lines; a lane's own are in its journal
  }
  std::lock_guard<std::mutex> lock(m_print);
  std::fprintf(stdout, "  [%s] %.*s\n", id.c_str(), static_cast<int>(line.size()), line.data());
  std::fflush(stdout);
}

void Lanes::observe(const std::string& id) {
  const core::State& state = m_cx.state();
  auto it = state.lanes.find(id);
  if (it == state.lanes.end()) {
    return;
  }
  const core::LaneState& lane = it->second;
  const std::string head = rev_parse(m_cx.paths.root, "refs/heads/" + lane.branch);
  std::string& seen = m_observed[id];
  if (head.empty() || head == seen) {
    return;
  }
  auto paths = changed_paths(m_cx.paths.root, "HEAD", head);
  if (!paths.ok()) {
    return;  // looked at again next time; the lane's finish looks too
  }
  seen = head;
  const std::vector<std::string> write_set = core::bounded_write_set(std::move(*paths), k_max_touched);
  std::vector<std::string> fresh;
  std::set_difference(write_set.begin(), write_set.end(), lane.touched.begin(), lane.touched.end(),
                      std::back_inserter(fresh));
  if (!fresh.empty()) {
    m_cx.append(core::events::LaneTouched{.story_id = id, .head = head, .paths = std::move(fresh)});
  }
}

void Lanes::reap(bool wait) {
  for (;;) {
    // What the running lanes' diffs touch, looked at twice a second (not at every step of the merge queue: a git
    // process per lane each time): it steers the scheduler and the merge queue.
    const std::int64_t now = util::now_unix_ms();
    if (now - m_observed_at >= 500) {
      m_observed_at = now;
      const std::int64_t seq = m_cx.state().seq;
      for (const auto& [id, child] : m_live) {
        observe(id);
      }
      if (m_cx.state().seq != seq) {
        return;
      }
    }
    std::vector<std::pair<std::string, std::unique_ptr<Child>>> ended;
    for (auto it = m_live.begin(); it != m_live.end();) {
      if (it->second->done) {
        it->second->thread.join();
        ended.emplace_back(it->first, std::move(it->second));
        it = m_live.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [id, child] : ended) {
      finished(id, *child);
    }
    if (!ended.empty() || !wait || m_live.empty() || m_cx.cancel ||
        (m_cx.options.steer && m_cx.options.steer->pending())) {
      return;
    }
    m_cx.flush_state();  // status and the dashboard read state.json while the coordinator waits
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void Lanes::finished(const std::string& id, Child& child) {
  if (m_cx.cancel || child.cancel) {
    return;  // stopped by this run: the lane journaled its interruption, and resumes with the next cook
  }
  observe(id);  // what its last commit touched is known before it joins the merge queue
  const core::State& state = m_cx.state();
  auto lane_it = state.lanes.find(id);
  if (lane_it == state.lanes.end()) {
    return;
  }
  const store::ProjectPaths lp = store::ProjectPaths::lane(m_cx.paths.project(), lane_it->second.worktree, id);
  std::vector<core::Event> events = util::exists(lp.events) ? store::read_checked_events(lp)
                                                            : std::vector<core::Event>{};
  std::string result;
  if (!events.empty() && events.back().kind == "run_finished") {
    result = events.back().data.value("result", "");
  }
  std::optional<core::State> lane_state;
  if (result == "passed" || result == "blocked" || result == "halted") {
    StateCache cache(lp.state);
    lane_state = fold_journal(events, cache).state;
    // A lane sent back to FIX ends for good only once its run folded that failure: a run_finished from before it
    // (the relaunched process died before its run started, e.g. the killed predecessor still held the lane's
    // lock) is stale, and the lane is launched again.
    const core::LaneState& mine = lane_it->second;
    if (mine.failure && lane_state->merge_key < mine.failure_key) {
      result.clear();
    }
  }
  if (!result.empty()) {
    const core::State& lane = *lane_state;
    core::events::LaneFinished out{.story_id = id,
                                   .result = core::from_string<core::RunResult>(result).value(),
                                   .head = rev_parse(lane_it->second.worktree, "HEAD")};
    if (auto story = lane.stories.find(id); story != lane.stories.end()) {
      out.attempts = story->second.attempts;
      out.cost_usd = story->second.cost_usd;
    }
    if (result == "halted") {
      out.reason = lane.halt ? lane.halt->detail : "halted";
      out.halt = lane.halt ? std::optional(lane.halt->reason) : std::nullopt;
    } else if (lane.record) {
      out.summary = lane.record->summary;
      out.reason = result == "blocked" ? lane.record->reason : "";
    }
    m_relaunches.erase(id);
    m_cx.append(out);
    return;
  }
  // No result: launched again by the next RunLane, unless it keeps ending so or cannot run at all.
  const util::ProcessResult& r = child.result;
  if (r.spawned && r.exit_code == to_int(ExitCode::lock_held) && ++m_relaunches[id] <= k_max_lock_waits) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return;
  }
  const bool input_error = r.spawned && r.exit_code > 1 && r.exit_code < 10;
  if (input_error || !r.spawned || ++m_relaunches[id] > k_max_relaunches) {
    throw Error(input_error ? static_cast<ExitCode>(r.exit_code) : ExitCode::failure,
                fmt::format("lane {}: its run ended without a result ({}): {}", id, how_it_ended(r),
                            util::preview(r.stderr_tail.empty() ? r.output_tail : r.stderr_tail, 600)));
  }
  m_cx.append(core::events::Warning{
      .message = fmt::format("lane {}: its run ended without a result ({}); launching it again", id, how_it_ended(r))});
}

void Lanes::integrate(const core::effects::IntegrateLane& effect) {
  const std::string& id = effect.story_id;
  const core::LaneState& lane = m_cx.state().lanes.at(id);
  // The integration tip as this run left it (its fast-forwards and records keep it): a branch moved behind the
  // run's back is found by the fast-forward's compare-and-swap.
  const std::string onto = m_cx.head.sha.empty() ? rev_parse(m_cx.paths.root, "HEAD") : m_cx.head.sha;
  auto r = integrate_lane(lane.worktree, onto, effect.integrate);
  if (!r.ok()) {
    throw lane_error(id, r.failure());
  }
  if (r->conflicted) {
    m_cx.append(core::events::MergeConflicted{.story_id = id, .onto = onto, .files = r->files, .hunks = r->hunks});
  } else {
    m_trees[r->head] = r->head_tree;
    m_cx.append(core::events::MergeRebased{.story_id = id, .onto = onto, .head = r->head, .commits = r->commits});
  }
}

void Lanes::merge_gate(const core::effects::RunMergeGate& effect) {
  const std::string& id = effect.story_id;
  const core::Gate* gate = &configured_gate(m_cx.config, effect.name);
  const std::string worktree = m_cx.state().lanes.at(id).worktree;
  m_cx.flush_state();  // current while the gate runs
  m_cx.report.begin_activity(fmt::format("{} gate {} on the merged tree", id, gate->name));
  const Git lane_repo(worktree);
  const std::vector<core::DirtyEntry> dirty_before = lane_repo.dirty_entries();
  util::ProcessResult r = m_cx.world.processes.run_shell(gate->run, worktree, gate->timeout_s * 1000, m_cx.cancel);
  m_cx.report.end_activity();
  if (r.cancelled) {
    m_cx.interrupted = true;
    return;
  }
  auto outputs = take_gate_outputs(m_cx, lane_repo, dirty_before, gate->name, m_cx.merge_gate_outputs[id]);
  m_cx.append(core::events::MergeGate{.story_id = id,
                                      .name = gate->name,
                                      .exit_code = r.exit_code,
                                      .passed = r.succeeded(),
                                      .timed_out = r.timed_out,
                                      .duration_ms = r.duration_ms,
                                      .output_tail = r.spawned ? gate_tail(r.output_tail) : r.spawn_error,
                                      .outputs = outputs.empty() ? std::nullopt : std::optional(std::move(outputs))});
}

void Lanes::fast_forward(const core::effects::FastForward& effect) {
  auto r = run::fast_forward(m_cx.paths.root, m_cx.head.branch, effect.onto, effect.sha);
  if (!r.ok()) {
    throw lane_error(effect.story_id, r.failure());
  }
  m_cx.head.sha = effect.sha;
  // The record commit that follows builds on the new tip without asking git where HEAD is.
  if (auto tree = m_trees.find(effect.sha); tree != m_trees.end() && !tree->second.empty()) {
    m_cx.world.repository.moved_to(effect.sha, tree->second);
  }
  m_trees.clear();
  m_cx.append(core::events::Merged{
      .story_id = effect.story_id, .branch = m_cx.head.branch, .pre_merge = effect.onto, .sha = effect.sha});
}

void Lanes::close(const std::string& id, const std::string& worktree, const std::string& branch, bool passed) {
  if (passed) {
    remove_gate_outputs(id, worktree);
  }
  auto r = close_lane(m_cx.paths.root, worktree, branch, passed);
  if (!r.ok() || !*r) {
    m_cx.append(core::events::Warning{
        .message = fmt::format("lane {}: its worktree {} has changes or untracked files and is kept (branch {})", id,
                               worktree, branch)});
  }
}

void Lanes::remove_gate_outputs(const std::string& id, const std::string& worktree) {
  // What the lane's gates and the gates on its merge created and is still untracked there: a merged lane's
  // worktree holds nothing else of value, and `git worktree remove` (never forced) refuses untracked files.
  core::GateOutputs created = m_cx.merge_gate_outputs[id];
  const store::ProjectPaths lp = store::ProjectPaths::lane(m_cx.paths.project(), worktree, id);
  if (util::exists(lp.events)) {
    StateCache cache(lp.state);
    for (auto& [path, output] : fold_journal(store::read_checked_events(lp), cache).gate_outputs) {
      created.emplace(path, output);
    }
  }
  std::error_code ec;
  for (const core::DirtyEntry& entry : Git(worktree).dirty_entries()) {
    auto it = created.find(entry.path);
    if (entry.untracked && it != created.end() && it->second.change == "created") {
      // Without git's trailing '/': "build/" through a symbolic link named build would be its target's contents;
      // remove_all of the link itself removes the link only, and never follows one inside a folder.
      std::string path = entry.path;
      while (!path.empty() && path.back() == '/') {
        path.pop_back();
      }
      if (!path.empty()) {
        fs::remove_all(fs::path(worktree) / path, ec);
      }
    }
  }
}

void Lanes::sweep() {
  const core::State& state = m_cx.state();
  for (const std::string& branch : lane_branches(m_cx.paths.root)) {
    const std::string id = branch.substr(branch.rfind('/') + 1);
    auto story = state.stories.find(id);
    if (state.lanes.count(id) != 0 || story == state.stories.end() ||
        story->second.status != core::StoryState::passed) {
      continue;
    }
    auto where = lane_worktree_path(m_cx.paths.root, id);
    if (where.ok() && worktree_branch(m_cx.paths.root, *where) == branch) {
      close(id, where->string(), branch, true);
    } else if (where.ok()) {
      close_lane(m_cx.paths.root, fs::path(), branch, true);  // only the branch is left
    }
  }
}

void Lanes::stop_all() {
  for (auto& [id, child] : m_live) {
    child->cancel = true;
  }
  for (auto& [id, child] : m_live) {
    if (child->thread.joinable()) {
      child->thread.join();
    }
  }
  m_live.clear();
}

void bootstrap_worktree(RunContext& cx, const std::string& id, const fs::path& worktree) {
  const core::ParallelConfig& p = cx.config.parallel;
  if (p.copy.empty() && p.setup.empty()) {
    return;
  }
  core::events::LaneBootstrapped out{.story_id = id, .setup = p.setup};
  for (const std::string& rel : p.copy) {
    const fs::path from = cx.paths.project() / rel;
    const fs::path to = worktree / rel;
    std::error_code ec;
    if (fs::symlink_status(from, ec).type() != fs::file_type::regular) {
      out.skipped.push_back(rel + (fs::exists(fs::symlink_status(from, ec)) ? ": not a regular file" : ": missing"));
      continue;
    }
    // Only what git ignores there: a file a story could commit (a secret in .env) is never put in a lane.
    if (!ignored_by_git(worktree, rel)) {
      out.skipped.push_back(rel + ": not ignored by git in the lane, so a story could commit it");
      continue;
    }
    fs::create_directories(to.parent_path(), ec);
    fs::remove_all(to, ec);  // whatever is there (a link left in a reused worktree) is replaced, never written through
    if (!fs::copy_file(from, to, ec)) {
      out.skipped.push_back(rel + ": " + ec.message());
      continue;
    }
    out.copied.push_back(rel);
  }
  if (!p.setup.empty()) {
    cx.report.begin_activity(fmt::format("{} setup: {}", id.empty() ? "isolated run" : id + " lane", p.setup));
    const util::ProcessResult r = cx.world.processes.run_shell(p.setup, worktree, p.setup_timeout_s * 1000, cx.cancel);
    cx.report.end_activity();
    out.exit_code = r.exit_code;
    out.timed_out = r.timed_out;
    out.passed = r.succeeded();
    out.duration_ms = r.duration_ms;
    out.output_tail = util::truncate_utf8(r.output_tail, 16 * 1024);
  }
  cx.append(out);
  if (!out.passed && !cx.cancel) {
    throw Error(ExitCode::failure,
                fmt::format("{}: its setup command (simmer.json#/parallel/setup) {} in {}: {}",
                            id.empty() ? std::string("the isolated run") : "lane " + id,
                            out.timed_out ? "timed out" : fmt::format("failed (exit {})", out.exit_code),
                            worktree.string(), util::preview(out.output_tail, 600)));
  }
}

}  // namespace simmer::run
