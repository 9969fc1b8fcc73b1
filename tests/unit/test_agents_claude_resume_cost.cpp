// The cost of a resumed Claude Code session, from recorded streams of the real CLI against the fake model server:
// up to 2.1.2xx `total_cost_usd` is that run's own cost; from 2.1.300 on it covers the whole conversation while
// `usage` stays the run's. Either way the session's record must hold its own cost, so that a FIX is not counted
// twice (run_session() subtracts LaunchRequest::resume_cost_baseline only for the newer CLI).
#include "agents/pricing.hpp"
#include "agents/session.hpp"
#include "test_util_support.hpp"
#include "test_fixture_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>

using namespace simmer::agents;
namespace fs = std::filesystem;

using simmer::test::stream_fixture;
using simmer::test::TempDir;

namespace {

// Replays a recorded stream as a stand-in `claude`, resuming `session` with `baseline` already recorded.
SessionRecord replay(const std::string& stream, const std::string& session, double baseline) {
  TempDir dir;
  fs::path script = dir.path() / "claude";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\ncat > /dev/null\ncat '" << stream_fixture(stream) << "'\n";
  }
  fs::permissions(script, fs::perms::owner_all);
  AgentOptions options;
  options.executable = script.string();
  LaunchRequest request;
  request.cwd = dir.path();
  request.resume_session = session;
  request.resume_cost_baseline = baseline;
  std::atomic<bool> cancel{false};
  return run_session(*make_adapter("claude", options), request, {}, cancel);
}

// What the session's own tokens cost at the built-in price of its model.
double own_cost(const SessionRecord& record) {
  auto price = find_price({}, record.model);
  REQUIRE(price);
  return cost_usd(*price, record.tokens);
}

}  // namespace

TEST_CASE("claude resume cost: 2.1.197 reports the run's own cost, recorded as is") {
  // claude-resume-edit.jsonl: a FIX resumed with `claude --resume` 2.1.197, 1500 tokens in, 20 out, $0.008.
  auto record = replay("claude-resume-edit.jsonl", "17efd298-11a1-4a2b-9b42-b682c92dc9f1", 0.0066);
  REQUIRE(record.outcome == Outcome::success);
  CHECK(record.tokens.input == 1500);
  CHECK(record.tokens.output == 20);
  CHECK(record.cost_reported);
  CHECK(record.cost_usd == Approx(0.008).epsilon(1e-12));
  CHECK(record.cost_usd == Approx(own_cost(record)).epsilon(1e-12));
}
