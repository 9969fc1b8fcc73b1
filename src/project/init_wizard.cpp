#include "project/init_wizard.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace simmer::project {

namespace {

const std::vector<std::string> k_workflows = {"one-shot", "epic-checkpoint"};
const std::vector<std::string> k_agent_names = {"claude", "codex", "gemini"};

std::string agent_label(const std::string& name, const std::vector<AgentCli>& agents) {
  for (const auto& a : agents) {
    if (a.name == name) {
      if (!a.found) {
        return name + " (not found on PATH)";
      }
      return a.version.empty() ? name + " (found)" : fmt::format("{} ({})", name, a.version);
    }
  }
  return name;
}

std::string money(double v) {
  std::string s = fmt::format("{:.2f}", v);
  while (s.size() > 1 && s.back() == '0') {
    s.pop_back();
  }
  if (s.back() == '.') {
    s.pop_back();
  }
  return s;
}

std::optional<double> parse_money(const std::string& text) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size() && v >= 0) {
      return v;
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// An agent menu: the CLIs simmer knows, plus the current non-CLI choice (script) so a re-run can keep it.
std::optional<std::string> choose_agent(Prompter& p, const std::string& question, const std::string& current,
                                        const std::vector<AgentCli>& agents, bool with_harness) {
  std::vector<std::string> names;
  if (with_harness) {
    names.push_back("harness");
  }
  names.insert(names.end(), k_agent_names.begin(), k_agent_names.end());
  if (std::find(names.begin(), names.end(), current) == names.end()) {
    names.push_back(current);
  }
  std::vector<std::string> labels;
  for (const auto& n : names) {
    labels.push_back(n == "harness" ? "harness (no agent: simmer picks the next story itself)"
                                    : agent_label(n, agents));
  }
  const auto at = std::find(names.begin(), names.end(), current);
  auto picked = p.choose(question, labels, static_cast<std::size_t>(at - names.begin()));
  if (!picked) {
    return std::nullopt;
  }
  return names[*picked];
}

}  // namespace

std::optional<GateProposal> parse_gate_flag(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    return std::nullopt;
  }
  std::string name(util::trim(std::string_view(text).substr(0, eq)));
  std::string run(util::trim(std::string_view(text).substr(eq + 1)));
  if (name.empty() || run.empty()) {
    return std::nullopt;
  }
  return GateProposal{name, run, "command line"};
}

std::vector<std::string> check_answers(const InitAnswers& a) {
  std::vector<std::string> out;
  // Every answer ends up in simmer.json, which is UTF-8 JSON: a flag, a typed answer or a directory name that is
  // not UTF-8 is named here, before anything is written (the JSON dump would fail on it afterwards). The other
  // checks would only repeat the bad bytes in their messages, so they wait until these are fixed.
  auto check_utf8 = [&](const std::string& what, const std::string& value) {
    const std::size_t at = util::utf8_error_offset(value);
    if (at != std::string::npos) {
      out.push_back(fmt::format("the {} is not UTF-8 (byte 0x{:02x} at offset {}): simmer.json is UTF-8 JSON", what,
                                static_cast<unsigned char>(value[at]), at));
    }
  };
  check_utf8("project name", a.project);
  check_utf8("app folder", a.app);
  check_utf8("workflow", a.workflow);
  check_utf8("orchestrator", a.orchestrator);
  check_utf8("builder", a.builder);
  check_utf8("verifier", a.verifier);
  check_utf8("scenario path", a.scenario);
  for (std::size_t i = 0; i < a.gates.size(); ++i) {
    check_utf8(fmt::format("name of gate {}", i + 1), a.gates[i].name);
    check_utf8(fmt::format("command of gate {}", i + 1), a.gates[i].run);
  }
  if (!out.empty()) {
    return out;
  }
  const std::vector<std::string> role_agents = {"claude", "codex", "gemini", "script"};
  auto check_role = [&](const char* role, const std::string& agent, bool harness_ok) {
    if (agent == "harness" && harness_ok) {
      return;
    }
    if (std::find(role_agents.begin(), role_agents.end(), agent) == role_agents.end()) {
      std::vector<std::string> allowed = role_agents;
      if (harness_ok) {
        allowed.insert(allowed.begin(), "harness");
      }
      std::string list;
      for (const auto& n : allowed) {
        list += (list.empty() ? "" : ", ") + n;
      }
      out.push_back(fmt::format("unknown agent \"{}\" for the {} (expected one of: {})", agent, role, list));
      return;
    }
    if (agent == "script" && a.scenario.empty()) {
      out.push_back(fmt::format("the {} uses the script agent, which needs --scenario FILE", role));
    }
  };
  check_role("orchestrator", a.orchestrator, true);
  check_role("builder", a.builder, false);
  check_role("verifier", a.verifier, false);
  if (std::find(k_workflows.begin(), k_workflows.end(), a.workflow) == k_workflows.end()) {
    out.push_back(fmt::format("unknown workflow \"{}\" (expected one-shot or epic-checkpoint)", a.workflow));
  }
  if (a.project.empty()) {
    out.emplace_back("the project name is empty");
  }
  if (a.app.empty()) {
    out.emplace_back("the app folder is empty (use \".\" for the project root)");
  }
  std::set<std::string> names;
  for (const auto& g : a.gates) {
    if (!names.insert(g.name).second) {
      out.push_back(fmt::format("two gates are named \"{}\"", g.name));
    }
  }
  return out;
}

std::optional<InitAnswers> ask_init_questions(Prompter& p, const InitAnswers& defaults,
                                              const std::vector<AgentCli>& agents, const AnsweredFlags& given,
                                              bool reconfigure) {
  InitAnswers a = defaults;
  auto asked = [&](const char* key) { return given.count(key) == 0; };

  if (asked("project")) {
    auto v = p.ask("Project name", a.project);
    if (!v) {
      return std::nullopt;
    }
    a.project = *v;
  }
  if (asked("app")) {
    auto v = p.ask("App folder (where the code lives, relative to here)", a.app);
    if (!v) {
      return std::nullopt;
    }
    a.app = *v;
  }
  if (asked("workflow")) {
    const std::vector<std::string> labels = {"one-shot: cook every story in one run",
                                             "epic-checkpoint: stop after each epic for your review"};
    auto at = std::find(k_workflows.begin(), k_workflows.end(), a.workflow);
    auto v = p.choose("Workflow", labels,
                      at == k_workflows.end() ? 0 : static_cast<std::size_t>(at - k_workflows.begin()));
    if (!v) {
      return std::nullopt;
    }
    a.workflow = k_workflows[*v];
  }
  if (asked("builder")) {
    auto v = choose_agent(p, "Builder agent (implements each story)", a.builder, agents, false);
    if (!v) {
      return std::nullopt;
    }
    // The verifier follows the builder unless the user chose otherwise before.
    if (a.verifier == a.builder && asked("verifier")) {
      a.verifier = *v;
    }
    a.builder = *v;
  }
  if (asked("verifier")) {
    auto v = choose_agent(p, "Verifier agent (judges every acceptance criterion)", a.verifier, agents, false);
    if (!v) {
      return std::nullopt;
    }
    a.verifier = *v;
  }
  if (asked("orchestrator")) {
    auto v = choose_agent(p, "Orchestrator (picks the next story and writes its brief)", a.orchestrator, agents, true);
    if (!v) {
      return std::nullopt;
    }
    a.orchestrator = *v;
  }
  if (asked("preset")) {
    std::vector<std::string> labels;
    std::vector<std::optional<Preset>> values;
    if (reconfigure && !defaults.preset) {
      labels.emplace_back("current: keep the models simmer.json names now");
      values.push_back(std::nullopt);
    }
    for (const auto& [preset, label] : preset_menu()) {
      // The models it picks for the agents chosen above, so the choice is not blind.
      const std::string models = preset_models(preset, a.builder, a.verifier, a.orchestrator);
      labels.push_back(models.empty() ? label : fmt::format("{} ({})", label, models));
      values.push_back(preset);
    }
    auto at = std::find(values.begin(), values.end(), a.preset);
    auto v = p.choose("Models", labels, at == values.end() ? 0 : static_cast<std::size_t>(at - values.begin()));
    if (!v) {
      return std::nullopt;
    }
    a.preset = values[*v];
  }
  if (asked("gates")) {
    if (a.gates.empty()) {
      p.say("No gates found (build, test and lint commands run after every build).");
    } else {
      std::string list = "Gates (run after every build, before the verifier):\n";
      for (const auto& g : a.gates) {
        list += fmt::format("  {}: {}   (from {})\n", g.name, g.run, g.source);
      }
      p.say(list);
      auto keep = p.confirm("Use these gates?", true);
      if (!keep) {
        return std::nullopt;
      }
      if (!*keep) {
        a.gates.clear();
      }
    }
    for (;;) {
      auto v = p.ask("Add a gate as name=command (Enter when done)", "");
      if (!v) {
        return std::nullopt;
      }
      if (v->empty()) {
        break;
      }
      if (auto gate = parse_gate_flag(*v)) {
        a.gates.push_back(*gate);
      } else {
        p.say("A gate reads name=command, for example: test=make test");
      }
    }
  }
  if (asked("budget-story")) {
    for (;;) {
      auto v = p.ask("Budget per story in USD (0 = no limit)", money(a.budget_per_story));
      if (!v) {
        return std::nullopt;
      }
      if (auto m = parse_money(*v)) {
        a.budget_per_story = *m;
        break;
      }
      p.say("Please enter a number of dollars, such as 15 or 2.50.");
    }
  }
  if (asked("budget-total")) {
    for (;;) {
      auto v = p.ask("Total budget in USD (0 = no limit)", money(a.budget_total));
      if (!v) {
        return std::nullopt;
      }
      if (auto m = parse_money(*v)) {
        a.budget_total = *m;
        break;
      }
      p.say("Please enter a number of dollars, such as 100.");
    }
  }
  return a;
}

}  // namespace simmer::project
