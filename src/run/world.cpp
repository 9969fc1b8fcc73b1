#include "run/world.hpp"

#include "agents/session.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

namespace simmer::run {

util::ProcessResult SystemProcesses::run_shell(const std::string& command, const std::filesystem::path& cwd,
                                               int timeout_ms, const std::atomic<bool>& cancel) {
  return util::run_shell(command, cwd, timeout_ms, &cancel);
}

std::vector<int> SystemProcesses::survivors(const std::optional<util::SpawnedProcess>& journaled,
                                            const std::string& run_id) {
  std::vector<int> pids = journaled ? util::surviving_group(*journaled) : std::vector<int>{};
  for (int pid : util::processes_with_env("SIMMER_RUN_ID", run_id)) {
    pids.push_back(pid);
  }
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
  return pids;
}

bool SystemProcesses::stop(const std::vector<int>& pids) { return util::stop_processes(pids); }

agents::SessionRecord CliAgents::run(const std::string& agent, const agents::AgentOptions& options,
                                     const agents::LaunchRequest& request, const std::atomic<bool>& cancel) {
  auto adapter = agents::make_adapter(agent, options);
  return agents::run_session(*adapter, request, {}, cancel);
}

bool CliAgents::recover(const std::string& agent, const agents::AgentOptions& options, agents::SessionRecord& record) {
  auto adapter = agents::make_adapter(agent, options);
  auto parser = adapter->make_parser();
  std::ifstream in(record.transcript, std::ios::binary);
  std::string line;
  std::vector<agents::StreamEvent> events;
  while (std::getline(in, line)) {
    parser->feed_line(line, events);
    events.clear();
  }
  parser->finish(record);
  return parser->saw_result();
}

std::int64_t SystemSleepingClock::now_ms() const { return util::now_unix_ms(); }

void SystemSleepingClock::sleep_ms(std::int64_t ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(std::max<std::int64_t>(ms, 0)));
}

}  // namespace simmer::run
