// Implementation notes: each check is independent and ordered as docs/project-commands.md lists them; a check that
// needs the configuration reports "skipped" (warn) when the configuration is unusable, so one broken file gives
// one fail line, not a cascade.

#include "project/doctor.hpp"

#include "agents/session.hpp"
#include "project/agent_launch.hpp"
#include "project/init_plan.hpp"
#include "project/probe_command.hpp"
#include "store/documents.hpp"
#include "util/fs.hpp"
#include "util/lock.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <set>

namespace simmer::project {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

CheckResult make(std::string name, CheckLevel level, std::string message, std::vector<std::string> details = {}) {
  return {std::move(name), level, std::move(message), std::move(details)};
}

CheckResult check_config(const store::ProjectPaths& paths, std::optional<core::Config>& config) {
  const std::string display = paths.display(paths.config);
  if (!util::exists(paths.config)) {
    return make("config", CheckLevel::fail, "simmer.json not found: run `simmer init`");
  }
  auto loaded = store::load_config(paths.config, nullptr, display);
  if (auto* problems = std::get_if<std::vector<core::Problem>>(&loaded)) {
    std::vector<std::string> details;
    for (const auto& p : *problems) {
      details.push_back(p.to_line());
    }
    return make("config", CheckLevel::fail,
                fmt::format("{} is invalid ({} problem{})", display, problems->size(),
                            problems->size() == 1 ? "" : "s"),
                details);
  }
  config = std::get<core::Config>(loaded);
  return make("config", CheckLevel::ok, fmt::format("{} is valid", display));
}

CheckResult check_files(const store::ProjectPaths& paths) {
  if (!util::exists(paths.dir)) {
    return make("files", CheckLevel::fail, ".simmer/ not found: run `simmer init`");
  }
  const std::vector<std::pair<fs::path, store::DocKind>> files = {{paths.prd, store::DocKind::prd},
                                                                  {paths.state, store::DocKind::state},
                                                                  {paths.task, store::DocKind::task},
                                                                  {paths.build, store::DocKind::build},
                                                                  {paths.verdict, store::DocKind::verdict},
                                                                  {paths.progress, store::DocKind::progress},
                                                                  {paths.events, store::DocKind::events}};
  std::vector<std::string> details;
  std::vector<std::string> valid;
  for (const auto& [path, kind] : files) {
    if (!util::exists(path)) {
      continue;
    }
    const auto problems = store::check_file(path, kind, paths.display(path));
    if (problems.empty()) {
      valid.push_back(path.filename().string());
    }
    for (const auto& p : problems) {
      details.push_back(p.to_line());
    }
  }
  if (!details.empty()) {
    return make("files", CheckLevel::fail,
                fmt::format("{} problem{} in .simmer/", details.size(), details.size() == 1 ? "" : "s"), details);
  }
  if (!util::exists(paths.prd)) {
    return make("files", CheckLevel::warn,
                "no .simmer/prd.json yet: run `simmer to-prd PRD.md` or `simmer import FILE`");
  }
  std::string list;
  for (const auto& v : valid) {
    list += (list.empty() ? "" : ", ") + v;
  }
  return make("files", CheckLevel::ok,
              fmt::format("{} valid: {}", valid.size() == 1 ? "1 file" : fmt::format("{} files", valid.size()), list));
}

CheckResult check_prompts(const store::ProjectPaths& paths) {
  // Each override must still tell its agent which hand-off file to write: without it the harness waits for a
  // file that never comes.
  const std::vector<std::pair<std::string, std::string>> roles = {{"orchestrator", "task.json"},
                                                                  {"builder", "build.json"},
                                                                  {"verifier", "verdict.json"}};
  if (!util::exists(paths.prompts)) {
    return make("prompts", CheckLevel::ok, "no prompt overrides: the built-in prompts are used");
  }
  std::vector<std::string> overrides;
  std::vector<std::string> bad;
  std::vector<std::string> unknown;
  std::error_code ec;
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(paths.prompts, ec)) {
    names.insert(entry.path().filename().string());
  }
  for (const auto& name : names) {
    const auto it = std::find_if(roles.begin(), roles.end(), [&](const auto& r) { return r.first + ".md" == name; });
    if (it == roles.end()) {
      unknown.push_back(
          fmt::format("{} is not a prompt simmer reads (expected orchestrator.md, builder.md or "
                      "verifier.md)",
                      paths.display(paths.prompts / name)));
      continue;
    }
    overrides.push_back(it->first);
    auto text = util::read_file(paths.prompts / name);
    if (!text) {
      bad.push_back(text.failure().message);
    } else if (text->find(it->second) == std::string::npos) {
      bad.push_back(fmt::format("{} never mentions .simmer/{}, the hand-off file the {} must write",
                                paths.display(paths.prompts / name), it->second, it->first));
    }
  }
  if (!bad.empty()) {
    bad.insert(bad.end(), unknown.begin(), unknown.end());
    return make("prompts", CheckLevel::fail, "a prompt override lost its hand-off instructions", bad);
  }
  if (!unknown.empty()) {
    return make("prompts", CheckLevel::warn, "unknown files in .simmer/prompts/", unknown);
  }
  if (overrides.empty()) {
    return make("prompts", CheckLevel::ok, "no prompt overrides: the built-in prompts are used");
  }
  std::string list;
  for (const auto& o : overrides) {
    list += (list.empty() ? "" : ", ") + o;
  }
  return make("prompts", CheckLevel::ok, fmt::format("overrides carry their hand-off instructions: {}", list));
}

std::string install_hint(const std::string& agent) {
  if (agent == "claude") {
    return " (npm install -g @anthropic-ai/claude-code)";
  }
  if (agent == "codex") {
    return " (npm install -g @openai/codex)";
  }
  if (agent == "gemini") {
    return " (npm install -g @google/gemini-cli)";
  }
  return "";
}

std::string first_line(const std::string& text) {
  for (auto line : util::split_lines(text)) {
    auto t = util::trim(line);
    if (!t.empty()) {
      return std::string(t);
    }
  }
  return "";
}

CheckResult probe_agent(const core::Config& config, const core::RoleConfig& role, agents::Role which,
                        const store::ProjectPaths& paths, const DoctorOptions& options, const std::string& prefix) {
  const std::string name = agent_name(role.agent);
  const std::string key = std::string("agent.") + std::string(agents::to_string(which));
  auto adapter = agents::make_adapter(name, agent_options(config, role, paths));
  core::RoleConfig probe_role = role;
  probe_role.timeout_s = options.probe_timeout_s;
  probe_role.max_turns = 1;  // one turn: a reply, no tool use
  // The script agent always writes a hand-off; point it at a scratch file that is removed afterwards.
  const fs::path scratch = paths.sessions / "doctor" / (std::string(agents::to_string(which)) + ".handoff.json");
  auto request = one_off_request(config, probe_role, which, paths, "doctor",
                                 "This is a connectivity check from `simmer doctor`. Do not use any tool and do not "
                                 "change any file. Reply with the single word: ready",
                                 scratch);
  std::atomic<bool> cancel{false};
  const auto record = agents::run_session(*adapter, request, {}, cancel);
  std::error_code ec;
  fs::remove(scratch, ec);
  if (record.outcome != agents::Outcome::success) {
    return make(key, CheckLevel::fail,
                fmt::format("{}: the probe call failed ({}): {}", prefix, agents::to_string(record.outcome),
                            record.error.empty() ? "no reason given" : record.error));
  }
  return make(key, CheckLevel::ok,
              fmt::format("{}: the probe call answered \"{}\"", prefix, util::preview(record.final_text, 60)));
}

CheckResult check_agent(const core::Config& config, const core::RoleConfig& role, agents::Role which,
                        const store::ProjectPaths& paths, const DoctorOptions& options) {
  const std::string role_name(agents::to_string(which));
  const std::string key = "agent." + role_name;
  const std::string name = agent_name(role.agent);
  if (name.empty()) {
    return make(key, CheckLevel::ok, "harness (no agent: simmer picks the next story)");
  }
  std::string prefix;
  if (role.agent == core::AgentKind::script) {
    if (!role.scenario) {
      return make(key, CheckLevel::fail, "script agent without a scenario");
    }
    if (!util::exists(paths.root / *role.scenario)) {
      return make(key, CheckLevel::fail, fmt::format("script scenario {} not found", *role.scenario));
    }
    prefix = fmt::format("script (scenario {})", *role.scenario);
  } else if (role.agent == core::AgentKind::command) {
    const std::string program = role.command.empty() ? "" : role.command.front();
    auto path = find_on_path(program);
    if (!path) {
      return make(key, CheckLevel::fail, fmt::format("command \"{}\" not found", program));
    }
    prefix = fmt::format("command {} ({})", program, path->string());
  } else {
    auto path = find_on_path(name);
    if (!path) {
      return make(key, CheckLevel::fail, fmt::format("{} not found on PATH{}", name, install_hint(name)));
    }
    const auto version = probe_command({path->string(), "--version"}, {}, 10000);
    std::string v = first_line(version.output);
    if (!version.started || version.exit_code != 0 || v.empty()) {
      return make(key, CheckLevel::warn,
                  fmt::format("{} found ({}) but `{} --version` failed", name, path->string(), name));
    }
    prefix = fmt::format("{} {}{}", name, v, role.model ? fmt::format(", model {}", *role.model) : "");
    // The tools offered are most of what a session costs (issue 14): say which, and whether they are the default.
    agents::LaunchRequest launch;
    launch.role = which;
    if (auto tools = agents::make_adapter(name, agent_options(config, role, paths))->offered_tools(launch)) {
      std::string list;
      for (const auto& tool : *tools) {
        list += (list.empty() ? "" : ",") + tool;
      }
      prefix += fmt::format(", tools {}{}", list.empty() ? "(none)" : list,
                            role.tools ? " (simmer.json)" : " (lean default)");
    } else if (role.agent == core::AgentKind::claude || role.agent == core::AgentKind::gemini) {
      prefix += ", tools: every built-in tool (simmer.json)";
    }
  }
  if (options.probe == ProbeMode::live) {
    return probe_agent(config, role, which, paths, options, prefix);
  }
  return make(key, CheckLevel::ok, prefix);
}

CheckResult check_git(const store::ProjectPaths& paths) {
  auto inside = probe_command({"git", "rev-parse", "--is-inside-work-tree"}, paths.root);
  if (!inside.started) {
    return make("git", CheckLevel::fail, "git is not installed: simmer commits each story");
  }
  if (inside.exit_code != 0) {
    return make("git", CheckLevel::fail, "not a git repository: simmer commits each story (run `git init`)");
  }
  auto branch = probe_command({"git", "symbolic-ref", "--short", "-q", "HEAD"}, paths.root);
  const std::string b = first_line(branch.output);
  auto status = probe_command({"git", "status", "--porcelain"}, paths.root);
  std::size_t changes = util::split_lines(status.output).size();
  CheckLevel level = CheckLevel::ok;
  std::string where = b.empty() ? "detached HEAD" : "on branch " + b;
  if (b.empty()) {
    level = CheckLevel::warn;
  }
  std::string state = "clean";
  if (changes > 0) {
    level = CheckLevel::warn;
    state = fmt::format("{} uncommitted change{} (simmer's commits would include them)", changes,
                        changes == 1 ? "" : "s");
  }
  return make("git", level, fmt::format("{}, {}", where, state));
}

bool shell_builtin(const std::string& word) {
  static const std::set<std::string> k_builtins = {"cd",     "test", "[",      "true",  "false", "exit",   "echo",
                                                   "export", "set",  "source", ".",     ":",     "printf", "exec",
                                                   "eval",   "if",   "for",    "while", "(",     "{",      "!"};
  return k_builtins.count(word) > 0;
}

CheckResult check_gates(const core::Config& config, const store::ProjectPaths& paths) {
  if (config.gates.empty()) {
    return make("gates", CheckLevel::ok, "no gates configured (the verifier alone judges each story)");
  }
  std::vector<std::string> missing;
  std::vector<std::string> names;
  for (const auto& gate : config.gates) {
    names.push_back(gate.name);
    // The first word that is not a VAR=value assignment is the program.
    std::string program;
    std::string word;
    for (char c : gate.run + " ") {
      if (c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|') {
        if (!word.empty() && word.find('=') == std::string::npos) {
          program = word;
          break;
        }
        word.clear();
      } else {
        word += c;
      }
    }
    if (program.empty() || shell_builtin(program)) {
      continue;
    }
    const bool found = program.find('/') != std::string::npos ? util::exists(paths.root / program)
                                                              : find_on_path(program).has_value();
    if (!found) {
      missing.push_back(fmt::format("gate \"{}\": {} not found (runs: {})", gate.name, program, gate.run));
    }
  }
  if (!missing.empty()) {
    return make("gates", CheckLevel::fail,
                fmt::format("{} of {} gate command{} missing", missing.size(), config.gates.size(),
                            config.gates.size() == 1 ? "" : "s"),
                missing);
  }
  std::string list;
  for (const auto& n : names) {
    list += (list.empty() ? "" : ", ") + n;
  }
  return make("gates", CheckLevel::ok, fmt::format("every gate command found: {}", list));
}

CheckResult check_lock(const store::ProjectPaths& paths) {
  const auto info = util::ProjectLock::inspect(paths.lock);
  switch (info.state) {
    case util::LockState::free:
      return make("lock", CheckLevel::ok, "free");
    case util::LockState::held:
      if (info.holder) {
        return make("lock", CheckLevel::warn,
                    fmt::format("held by simmer {} (pid {}) since {}", info.holder->command, info.holder->pid,
                                info.holder->since));
      }
      return make("lock", CheckLevel::warn, "held by another simmer process");
    case util::LockState::stale:
      if (info.holder) {
        return make("lock", CheckLevel::warn,
                    fmt::format("stale: pid {} took it at {} and is gone; the next `simmer cook` takes it over",
                                info.holder->pid, info.holder->since));
      }
      return make("lock", CheckLevel::warn, "stale: its holder is gone; the next `simmer cook` takes it over");
  }
  return make("lock", CheckLevel::ok, "free");
}

CheckResult check_gitignore(const store::ProjectPaths& paths) {
  const fs::path file = paths.root / ".gitignore";
  std::string text;
  if (util::exists(file)) {
    auto r = util::read_file(file);
    if (!r) {
      return make("gitignore", CheckLevel::warn, r.failure().message);
    }
    text = *r;
  }
  const std::vector<std::string> missing = missing_gitignore_lines(text);
  if (missing.empty()) {
    return make("gitignore", CheckLevel::ok, ".gitignore keeps simmer's run data out of git");
  }
  return make("gitignore", CheckLevel::warn,
              fmt::format(".gitignore lacks {} line{} for simmer's run data (run `simmer init` to add them)",
                          missing.size(), missing.size() == 1 ? "" : "s"),
              missing);
}

CheckResult check_disk(const store::ProjectPaths& paths) {
  struct statvfs st {};
  if (::statvfs(paths.root.c_str(), &st) != 0) {
    return make("disk", CheckLevel::warn, fmt::format("cannot read free space: {}", util::errno_text(errno)));
  }
  const double free_bytes = static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize);
  const double gib = free_bytes / (1024.0 * 1024.0 * 1024.0);
  const std::string amount = gib >= 1.0 ? fmt::format("{:.1f} GiB free", gib)
                                        : fmt::format("{:.0f} MiB free", free_bytes / (1024.0 * 1024.0));
  if (free_bytes < 100.0 * 1024 * 1024) {
    return make("disk", CheckLevel::fail, amount + ": session transcripts and builds need more (at least 100 MiB)");
  }
  if (gib < 1.0) {
    return make("disk", CheckLevel::warn, amount + ": below 1 GiB");
  }
  return make("disk", CheckLevel::ok, amount);
}

}  // namespace

std::string_view to_string(CheckLevel level) {
  switch (level) {
    case CheckLevel::ok:
      return "ok";
    case CheckLevel::warn:
      return "warn";
    case CheckLevel::fail:
      return "fail";
  }
  return "fail";
}

std::vector<CheckResult> run_doctor(const store::ProjectPaths& paths, const DoctorOptions& options) {
  std::vector<CheckResult> out;
  std::optional<core::Config> config;
  out.push_back(check_config(paths, config));
  out.push_back(check_files(paths));
  out.push_back(check_prompts(paths));
  const std::pair<const core::RoleConfig*, agents::Role> roles[] = {
      {config ? &config->orchestrator : nullptr, agents::Role::orchestrator},
      {config ? &config->builder : nullptr, agents::Role::builder},
      {config ? &config->verifier : nullptr, agents::Role::verifier}};
  for (const auto& [role, which] : roles) {
    const std::string role_name(agents::to_string(which));
    if (!config) {
      out.push_back(make("agent." + role_name, CheckLevel::warn, "skipped (no usable simmer.json)"));
      continue;
    }
    out.push_back(check_agent(*config, *role, which, paths, options));
  }
  out.push_back(check_git(paths));
  if (config) {
    out.push_back(check_gates(*config, paths));
  } else {
    out.push_back(make("gates", CheckLevel::warn, "skipped (no usable simmer.json)"));
  }
  out.push_back(check_lock(paths));
  out.push_back(check_gitignore(paths));
  out.push_back(check_disk(paths));
  return out;
}

json doctor_json(const std::vector<CheckResult>& results) {
  json checks = json::array();
  int counts[3] = {0, 0, 0};
  for (const auto& r : results) {
    checks.push_back({{"name", r.name}, {"level", to_string(r.level)}, {"message", r.message}, {"details", r.details}});
    ++counts[static_cast<int>(r.level)];
  }
  return {{"checks", checks}, {"summary", {{"ok", counts[0]}, {"warn", counts[1]}, {"fail", counts[2]}}}};
}

}  // namespace simmer::project
