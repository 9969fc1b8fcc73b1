#include "project/prd_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace simmer::project {

namespace {

using nlohmann::json;

// Iterative-free DFS is not needed here: PRDs have at most a few hundred stories, and recursion depth is bounded
// by the longest dependency chain.
class CycleFinder {
public:
  explicit CycleFinder(const DependencyGraph& graph) : m_graph(graph) {
    for (std::size_t i = 0; i < graph.size(); ++i) {
      m_index.emplace(graph[i].first, i);
    }
  }

  std::optional<std::vector<std::string>> run() {
    m_color.assign(m_graph.size(), 0);
    for (std::size_t i = 0; i < m_graph.size(); ++i) {
      if (m_color[i] == 0 && visit(i)) {
        return rotate_to_first(m_cycle);
      }
    }
    return std::nullopt;
  }

private:
  bool visit(std::size_t node) {
    m_color[node] = 1;
    m_stack.push_back(node);
    for (const auto& dep : m_graph[node].second) {
      auto it = m_index.find(dep);
      if (it == m_index.end()) {
        continue;
      }
      std::size_t next = it->second;
      if (m_color[next] == 1) {
        auto from = std::find(m_stack.begin(), m_stack.end(), next);
        for (auto p = from; p != m_stack.end(); ++p) {
          m_cycle.push_back(*p);
        }
        return true;
      }
      if (m_color[next] == 0 && visit(next)) {
        return true;
      }
    }
    m_color[node] = 2;
    m_stack.pop_back();
    return false;
  }

  std::vector<std::string> rotate_to_first(std::vector<std::size_t> cycle) const {
    auto first = std::min_element(cycle.begin(), cycle.end());
    std::rotate(cycle.begin(), first, cycle.end());
    std::vector<std::string> ids;
    for (auto i : cycle) {
      ids.push_back(m_graph[i].first);
    }
    ids.push_back(ids.front());
    return ids;
  }

  const DependencyGraph& m_graph;
  std::map<std::string, std::size_t> m_index;
  std::vector<int> m_color;  // 0 unseen, 1 on the stack, 2 done
  std::vector<std::size_t> m_stack;
  std::vector<std::size_t> m_cycle;
};

}  // namespace

std::optional<std::vector<std::string>> find_dependency_cycle(const DependencyGraph& graph) {
  return CycleFinder(graph).run();
}

std::vector<PrdProblem> check_prd_semantics(const json& prd) {
  std::vector<PrdProblem> problems;
  if (!prd.is_object() || !prd.contains("stories") || !prd["stories"].is_array()) {
    problems.push_back({-1, "stories", "no stories array"});
    return problems;
  }
  const json& stories = prd["stories"];
  if (stories.empty()) {
    problems.push_back({-1, "stories", "no stories"});
    return problems;
  }
  std::map<std::string, int> first;
  for (std::size_t i = 0; i < stories.size(); ++i) {
    const json& s = stories[i];
    const int index = static_cast<int>(i);
    if (!s.is_object()) {
      continue;
    }
    std::string id = s.value("id", json()).is_string() ? s["id"].get<std::string>() : "";
    if (id.empty()) {
      problems.push_back({index, "id", "story has no id"});
    } else if (auto [it, inserted] = first.emplace(id, index); !inserted) {
      problems.push_back({index, "id", fmt::format("duplicate story id {} (first at story {})", id, it->second + 1)});
    }
    const json criteria = s.value("acceptanceCriteria", json());
    if (criteria.is_array()) {
      if (criteria.empty()) {
        problems.push_back({index, "acceptanceCriteria", fmt::format("{} has no acceptance criteria", id)});
      }
      for (const auto& c : criteria) {
        if (c.is_string() && c.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) {
          problems.push_back({index, "acceptanceCriteria", fmt::format("{} has an empty acceptance criterion", id)});
          break;
        }
      }
    }
  }
  DependencyGraph graph;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < stories.size(); ++i) {
    const json& s = stories[i];
    if (!s.is_object() || !s.value("id", json()).is_string()) {
      continue;
    }
    const std::string id = s["id"].get<std::string>();
    std::vector<std::string> deps;
    const json d = s.value("dependencies", json());
    if (d.is_array()) {
      for (const auto& dep : d) {
        if (!dep.is_string()) {
          continue;
        }
        const std::string dep_id = dep.get<std::string>();
        if (dep_id == id) {
          problems.push_back({static_cast<int>(i), "dependencies", fmt::format("{} depends on itself", id)});
        } else if (first.count(dep_id) == 0) {
          problems.push_back(
              {static_cast<int>(i), "dependencies", fmt::format("{} depends on {}, which does not exist", id, dep_id)});
        } else {
          deps.push_back(dep_id);
        }
      }
    }
    if (seen.insert(id).second) {
      graph.emplace_back(id, std::move(deps));
    }
  }
  if (auto cycle = find_dependency_cycle(graph)) {
    std::string path;
    for (const auto& id : *cycle) {
      path += (path.empty() ? "" : " -> ") + id;
    }
    problems.push_back({first.at(cycle->front()), "dependencies", fmt::format("dependency cycle: {}", path)});
  }
  return problems;
}

}  // namespace simmer::project
