#include "run/profile.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

namespace simmer::run {

Profile::Scope::~Scope() {
  if (m_profile.m_enabled) {
    m_profile.m_ms[m_key] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_start)
                                 .count();
    m_profile.m_count[m_key] += 1;
  }
}

Profile::Profile(bool requested) {
  const char* env = std::getenv("SIMMER_PROFILE");
  m_enabled = requested || (env && *env && std::string(env) != "0");
}

void Profile::print(const core::State& state) const {
  if (!m_enabled) {
    return;
  }
  long stories = 0;
  for (const auto& [id, s] : state.stories) {
    stories += s.status != core::StoryState::pending ? 1 : 0;
  }
  std::string out = "simmer: profile (ms total, calls, ms per settled story):\n";
  double total = 0;
  for (const auto& [key, ms] : m_ms) {
    total += ms;
    out += fmt::format("  {:<11} {:>10.1f} {:>7} {:>10.2f}\n", key, ms, m_count.at(key), stories ? ms / stories : 0.0);
  }
  out += fmt::format("  {:<11} {:>10.1f} {:>7} {:>10.2f}\n", "sum", total, "", stories ? total / stories : 0.0);
  std::fputs(out.c_str(), stderr);
}

}  // namespace simmer::run
