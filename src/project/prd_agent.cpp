#include "project/prd_agent.hpp"

#include "project/agent_launch.hpp"
#include "project/prd_checks.hpp"
#include "store/documents.hpp"
#include "store/resources.hpp"
#include "util/fs.hpp"

#include <fmt/format.h>

#include <atomic>
#include <filesystem>

namespace simmer::project {

namespace {

using nlohmann::json;

std::string fill(std::string text, const std::string& key, const std::string& value) {
  const std::string marker = "{{" + key + "}}";
  for (std::size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + value.size())) {
    text.replace(at, marker.size(), value);
  }
  return text;
}

std::string template_text(const char* path) {
  auto t = store::resource(path);
  if (!t) {
    throw Error(ExitCode::failure,
                fmt::format("missing embedded template ({}): the binary was built without it", path));
  }
  return std::string(*t);
}

}  // namespace

std::vector<std::string> draft_problems(const std::string& text, const std::string& display) {
  std::vector<std::string> out;
  for (const auto& p : store::check_text(text, store::DocKind::prd, display)) {
    out.push_back(p.to_line());
  }
  if (!out.empty()) {
    return out;
  }
  const json doc = json::parse(text, nullptr, false);
  for (const auto& p : check_prd_semantics(doc)) {
    std::string pointer = p.index < 0 ? "/stories" : fmt::format("/stories/{}", p.index);
    if (p.index >= 0 && !p.field.empty()) {
      pointer += "/" + p.field;
    }
    out.push_back(fmt::format("{}#{}: {}", display, pointer, p.message));
  }
  return out;
}

Result<json> prd_from_agent(const store::ProjectPaths& paths, const std::string& input_display,
                            const std::string& document, int max_repairs) {
  // The configuration names the agent; without a valid one there is nobody to ask.
  auto loaded = store::load_config(paths.config, nullptr, paths.display(paths.config));
  if (auto* problems = std::get_if<std::vector<core::Problem>>(&loaded)) {
    return store::to_failure(*problems);
  }
  const core::Config& config = std::get<core::Config>(loaded);
  const core::RoleConfig& role = config.builder;
  const std::string name = agent_name(role.agent);
  if (name.empty()) {
    return Failure{"to-prd --agent needs an agent for the builder role (simmer.json#/agents/builder/agent)",
                   ExitCode::invalid_input};
  }
  auto adapter = agents::make_adapter(name, agent_options(config, role, paths));

  const std::filesystem::path draft = paths.dir / "to-prd.draft.json";
  const std::string draft_display = paths.display(draft);
  util::ensure_dir(paths.dir);
  std::error_code ec;
  std::filesystem::remove(draft, ec);

  std::string prompt = template_text("templates/to-prd-agent.md");
  prompt = fill(prompt, "input", input_display);
  prompt = fill(prompt, "output", draft_display);
  prompt = fill(prompt, "schema", std::string(store::schema_text(store::DocKind::prd)));
  prompt = fill(prompt, "document", document);

  std::atomic<bool> cancel{false};
  std::optional<std::string> session_id;
  std::vector<std::string> problems;
  for (int round = 0; round <= max_repairs; ++round) {
    auto request = one_off_request(config, role, agents::Role::builder, paths, "to-prd", prompt, draft);
    request.env["SIMMER_REPAIR"] = std::to_string(round);
    request.transcript = paths.sessions / "to-prd" / fmt::format("builder-{}.jsonl", round);
    if (session_id && adapter->can_resume()) {
      request.resume_session = session_id;
    }
    const auto record = agents::run_session(*adapter, request, {}, cancel);
    if (record.outcome != agents::Outcome::success) {
      std::filesystem::remove(draft, ec);
      return Failure{fmt::format("the {} agent did not finish ({}): {}", name, agents::to_string(record.outcome),
                                 record.error.empty() ? "no reason given" : record.error),
                     ExitCode::failure};
    }
    if (!record.session_id.empty()) {
      session_id = record.session_id;
    }
    auto text = util::read_file(draft);
    problems = text ? draft_problems(*text, draft_display)
                    : std::vector<std::string>{fmt::format("{}: the agent did not write this file", draft_display)};
    if (problems.empty()) {
      json prd = json::parse(*text);
      std::filesystem::remove(draft, ec);
      for (auto& s : prd["stories"]) {
        s["status"] = "pending";
        s.erase("blockedReason");
      }
      return prd;
    }
    std::string list;
    for (const auto& p : problems) {
      list += "- " + p + "\n";
    }
    std::string repair = fill(template_text("templates/to-prd-repair.md"), "output", draft_display);
    repair = fill(repair, "errors", list);
    // A CLI that cannot resume gets the whole brief again, followed by the problems.
    prompt = session_id && adapter->can_resume() ? repair : prompt + "\n\n" + repair;
  }
  std::filesystem::remove(draft, ec);
  std::string message = fmt::format("the agent's prd.json is still invalid after {} repair{} ({})", max_repairs,
                                    max_repairs == 1 ? "" : "s", draft_display);
  message += ": " + problems.front();
  for (std::size_t i = 1; i < problems.size(); ++i) {
    message += "\n" + problems[i];
  }
  return Failure{message, ExitCode::invalid_input};
}

}  // namespace simmer::project
