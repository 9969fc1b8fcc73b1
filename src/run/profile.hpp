#pragma once
// --profile (or SIMMER_PROFILE=1): wall time per category of the loop's own work (journal, state write,
// validation, git, agent sessions, gates, RECORD), summed over the run and printed on stderr at the end.

#include <chrono>
#include <map>
#include <string>

#include "core/state.hpp"

namespace simmer::run {

class Profile {
public:
  // Times one call of `key` from construction to destruction, when profiling is on.
  class Scope {
  public:
    Scope(Profile& profile, std::string key) : m_profile(profile), m_key(std::move(key)) {}
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

  private:
    Profile& m_profile;
    std::string m_key;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  };

  // On when `requested` (--profile) or SIMMER_PROFILE is set to anything but "" or "0".
  explicit Profile(bool requested);
  Scope time(std::string key) { return Scope(*this, std::move(key)); }
  // The table (ms total, calls, ms per settled story of `state`) on stderr; nothing when off.
  void print(const core::State& state) const;

private:
  bool m_enabled = false;
  std::map<std::string, double> m_ms;
  std::map<std::string, long> m_count;
};

}  // namespace simmer::run
