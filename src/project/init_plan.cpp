#include "project/init_plan.hpp"

#include "store/resources.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <set>

namespace simmer::project {

namespace {

using nlohmann::json;

const char* const k_roles[] = {"orchestrator", "builder", "verifier"};

std::string role_agent(const json& current, const char* role, const std::string& fallback) {
  const json agents = current.value("agents", json::object());
  if (agents.is_object() && agents.contains(role) && agents[role].is_object() && agents[role].contains("agent") &&
      agents[role]["agent"].is_string()) {
    return agents[role]["agent"].get<std::string>();
  }
  return fallback;
}

std::string role_model(const json& current, const char* role) {
  const json agents = current.value("agents", json::object());
  if (agents.is_object() && agents.contains(role) && agents[role].is_object() && agents[role].contains("model") &&
      agents[role]["model"].is_string()) {
    return agents[role]["model"].get<std::string>();
  }
  return "";
}

}  // namespace

std::optional<Preset> current_preset(const json& current) {
  for (Preset p : {Preset::balanced, Preset::thorough, Preset::fast}) {
    bool all = true;
    for (const char* role : k_roles) {
      const std::string agent = role_agent(current, role, "claude");
      if (preset_model(p, agent, role) != role_model(current, role)) {
        all = false;
      }
    }
    if (all) {
      return p;
    }
  }
  return std::nullopt;
}

InitAnswers default_answers(const std::string& directory_name, const ProjectDetection& detection,
                            const std::vector<AgentCli>& agents, const json* current) {
  InitAnswers a;
  a.project = detection.name.empty() ? directory_name : detection.name;
  a.app = detection.new_project ? "app" : ".";
  std::string first_found = "claude";
  for (const auto& cli : agents) {
    if (cli.found) {
      first_found = cli.name;
      break;
    }
  }
  a.builder = first_found;
  a.verifier = first_found;
  a.orchestrator = "harness";
  a.gates = detection.gates;
  if (current == nullptr || !current->is_object()) {
    return a;
  }
  const json& c = *current;
  if (c.contains("project") && c["project"].is_string() && !c["project"].get<std::string>().empty()) {
    a.project = c["project"].get<std::string>();
  }
  if (c.contains("app") && c["app"].is_string()) {
    a.app = c["app"].get<std::string>();
  }
  if (c.contains("workflow") && c["workflow"].is_string()) {
    a.workflow = c["workflow"].get<std::string>();
  }
  // An existing config without an agents section runs claude everywhere (the schema's default).
  a.orchestrator = role_agent(c, "orchestrator", "claude");
  a.builder = role_agent(c, "builder", "claude");
  a.verifier = role_agent(c, "verifier", "claude");
  a.preset = current_preset(c);
  if (c.contains("gates") && c["gates"].is_array()) {
    a.gates.clear();
    for (const auto& g : c["gates"]) {
      if (g.is_object() && g.contains("name") && g.contains("run") && g["name"].is_string() && g["run"].is_string()) {
        a.gates.push_back({g["name"].get<std::string>(), g["run"].get<std::string>(), "simmer.json"});
      }
    }
  }
  const json budget = c.value("budget", json::object());
  if (budget.is_object()) {
    if (budget.contains("perStory") && budget["perStory"].is_number()) {
      a.budget_per_story = budget["perStory"].get<double>();
    }
    if (budget.contains("total") && budget["total"].is_number()) {
      a.budget_total = budget["total"].get<double>();
    }
  }
  for (const char* role : k_roles) {
    const json agents_obj = c.value("agents", json::object());
    if (agents_obj.is_object() && agents_obj.contains(role) && agents_obj[role].is_object() &&
        agents_obj[role].contains("scenario") && agents_obj[role]["scenario"].is_string()) {
      a.scenario = agents_obj[role]["scenario"].get<std::string>();
    }
  }
  return a;
}

json make_config(const InitAnswers& answers, const json* current) {
  json config = current != nullptr && current->is_object() ? *current : json::object();
  config["$schema"] = k_config_schema_id;
  config["schemaVersion"] = 1;
  config["project"] = answers.project;
  config["app"] = answers.app;
  config["workflow"] = answers.workflow;
  json agents = config.contains("agents") && config["agents"].is_object() ? config["agents"] : json::object();
  const std::string chosen[] = {answers.orchestrator, answers.builder, answers.verifier};
  for (int i = 0; i < 3; ++i) {
    const char* role = k_roles[i];
    const std::string& agent = chosen[i];
    json r = agents.contains(role) && agents[role].is_object() ? agents[role] : json::object();
    const std::string before = r.contains("agent") && r["agent"].is_string() ? r["agent"].get<std::string>() : "claude";
    if (before != agent) {
      // Settings of another CLI (its model, sandbox, scenario...) mean nothing to the new one.
      r = json::object();
    }
    r["agent"] = agent;
    if (answers.preset) {
      const std::string model = preset_model(*answers.preset, agent, role);
      if (model.empty()) {
        r.erase("model");
      } else {
        r["model"] = model;
      }
    }
    if (agent == "script" && !answers.scenario.empty()) {
      r["scenario"] = answers.scenario;
    }
    if (agent == "harness") {
      r = json{{"agent", "harness"}};
    }
    agents[role] = r;
  }
  config["agents"] = agents;
  json gates = json::array();
  for (const auto& g : answers.gates) {
    json gate = {{"name", g.name}, {"run", g.run}};
    // Keep a timeout the user set on a gate that is still there.
    if (current != nullptr && current->contains("gates") && (*current)["gates"].is_array()) {
      for (const auto& old : (*current)["gates"]) {
        if (old.is_object() && old.value("name", "") == g.name && old.contains("timeout")) {
          gate["timeout"] = old["timeout"];
        }
      }
    }
    gates.push_back(gate);
  }
  config["gates"] = gates;
  json budget = config.contains("budget") && config["budget"].is_object() ? config["budget"] : json::object();
  budget["perStory"] = answers.budget_per_story;
  budget["total"] = answers.budget_total;
  config["budget"] = budget;
  return config;
}

std::vector<std::string> gitignore_lines() {
  std::vector<std::string> out;
  auto text = store::resource("templates/gitignore.txt");
  if (!text) {
    return out;
  }
  for (auto line : util::split_lines(*text)) {
    out.emplace_back(line);
  }
  return out;
}

namespace {

// The trimmed lines of a .gitignore text.
std::set<std::string> present_lines(const std::string& text) {
  std::set<std::string> present;
  for (auto line : util::split_lines(text)) {
    present.insert(std::string(util::trim(line)));
  }
  return present;
}

}  // namespace

namespace {

// Whether `present` holds `output` ("build/") in one of git's spellings of that folder.
bool has_output(const std::set<std::string>& present, const std::string& output) {
  std::string bare = output;
  while (!bare.empty() && bare.back() == '/') {
    bare.pop_back();
  }
  for (const std::string& form : {bare, bare + "/", "/" + bare, "/" + bare + "/"}) {
    if (present.count(form) != 0) {
      return true;
    }
  }
  return false;
}

constexpr const char* k_outputs_comment = "# build output of the gates simmer init found: never committed";

}  // namespace

std::vector<std::string> missing_gitignore_lines(const std::string& existing, const std::vector<std::string>& outputs) {
  const std::set<std::string> present = present_lines(existing);
  std::vector<std::string> missing;
  for (const auto& line : gitignore_lines()) {
    const std::string t(util::trim(line));
    if (!t.empty() && t[0] != '#' && present.count(t) == 0) {
      missing.push_back(t);
    }
  }
  for (const auto& o : outputs) {
    if (!has_output(present, o) && std::find(missing.begin(), missing.end(), o) == missing.end()) {
      missing.push_back(o);
    }
  }
  return missing;
}

std::string merged_gitignore(const std::string& existing, const std::vector<std::string>& outputs) {
  const std::vector<std::string> missing = missing_gitignore_lines(existing, outputs);
  if (missing.empty()) {
    return existing;
  }
  // Comments are copied only along with at least one missing pattern.
  const std::set<std::string> present = present_lines(existing);
  std::string out = existing;
  if (!out.empty() && out.back() != '\n') {
    out += '\n';
  }
  if (!out.empty()) {
    out += '\n';
  }
  std::string simmer_block;
  bool simmer_pattern = false;
  for (const auto& line : gitignore_lines()) {
    const std::string t(util::trim(line));
    if (!t.empty() && t[0] == '#') {
      if (present.count(t) == 0) {
        simmer_block += t + "\n";
      }
    } else if (std::find(missing.begin(), missing.end(), t) != missing.end()) {
      simmer_block += t + "\n";
      simmer_pattern = true;
    }
  }
  std::string outputs_block;
  std::set<std::string> listed;
  for (const auto& o : outputs) {
    if (std::find(missing.begin(), missing.end(), o) != missing.end() && listed.insert(o).second) {
      outputs_block += o + "\n";
    }
  }
  if (simmer_pattern) {
    out += simmer_block;
  }
  if (!outputs_block.empty()) {
    if (simmer_pattern) {
      out += '\n';
    }
    if (present.count(k_outputs_comment) == 0) {
      out += std::string(k_outputs_comment) + "\n";
    }
    out += outputs_block;
  }
  return out;
}

std::string config_text(const json& config) {
  static const char* const k_order[] = {"$schema", "schemaVersion", "project", "app",       "workflow",
                                        "agents",  "gates",         "budget",  "retries",   "maxIterations",
                                        "git",     "parallel",      "pricing", "mcpServers"};
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const char* key : k_order) {
    if (config.contains(key)) {
      out[key] = config[key];
    }
  }
  for (const auto& [key, value] : config.items()) {
    if (!out.contains(key)) {
      out[key] = value;
    }
  }
  return out.dump(2) + "\n";
}

}  // namespace simmer::project
