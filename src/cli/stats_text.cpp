#include "cli/stats_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace simmer::cli {

using core::RunScope;
using core::StatsReport;

namespace {

std::string usd(double v) { return fmt::format("${:.4f}", v); }

std::string pct(const std::optional<double>& v) { return v ? fmt::format("{:.1f}%", *v * 100) : "n/a"; }

std::string ms(double v) {
  if (v < 1000) {
    return fmt::format("{:.0f}ms", v);
  }
  if (v < 60'000) {
    return fmt::format("{:.1f}s", v / 1000);
  }
  return fmt::format("{:.1f}m", v / 60'000);
}

std::string thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

std::string usd_list(const std::map<std::string, double>& m) {
  std::vector<std::pair<std::string, double>> items(m.begin(), m.end());
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [k, v] : items) {
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", k.empty() ? "(none)" : k, usd(v));
  }
  return out.empty() ? "-" : out;
}

// What one passed story cost on average, and where it went: every role's share (an orchestrator's too), the
// sessions and the tokens. "n/a" when no story passed.
std::string per_passed_story(const StatsReport& r) {
  if (r.stories_passed == 0) {
    return "n/a";
  }
  const double n = static_cast<double>(r.stories_passed);
  std::map<std::string, double> by_role;
  for (const auto& [role, cost] : r.cost_by_role) {
    by_role[role] = cost / n;
  }
  auto per = [&](std::uint64_t v) {
    return thousands(static_cast<std::uint64_t>(std::llround(static_cast<double>(v) / n)));
  };
  return fmt::format("{}; {:.1f} sessions; in {}, out {}, cache read {}, cache write {}", usd_list(by_role),
                     static_cast<double>(r.sessions) / n, per(r.tokens_input), per(r.tokens_output),
                     per(r.tokens_cache_read), per(r.tokens_cache_write));
}

// "1 fix", "2 fixes": a count and its noun, plural unless the count is one.
std::string count_of(std::uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::string stats_to_text(const StatsReport& r, TextColor color) {
  auto head = [&](std::string_view label) {
    return color == TextColor::with_color ? fmt::format("\x1b[1m{:<12}\x1b[0m ", label) : fmt::format("{:<12} ", label);
  };
  std::string out;
  if (r.scope == RunScope::all) {
    out += head("Runs") + fmt::format("all ({})\n", r.run_ids.size());
  } else {
    out += head("Run") + (r.run_id.empty() ? std::string("(none)") : r.run_id) + "\n";
  }
  if (r.events > 0) {
    out += head("Events") + fmt::format("{} (seq {}..{}, {} .. {})\n", thousands(r.events), r.first_seq, r.last_seq,
                                        r.first_ts, r.last_ts);
  } else {
    out += head("Events") + "0\n";
  }
  out += head("Lines") + fmt::format("{} read, {} malformed\n", thousands(r.lines), thousands(r.malformed_lines));
  out += head("Stories") + fmt::format("{} passed, {} blocked, {}, {}, {}\n", r.stories_passed, r.stories_blocked,
                                       count_of(r.iterations, "iteration", "iterations"),
                                       count_of(r.fixes, "fix", "fixes"), count_of(r.halts, "halt", "halts"));
  std::string roles;
  for (const auto& [role, n] : r.sessions_by_role) {
    roles += fmt::format("{}{} {}", roles.empty() ? "" : ", ", role.empty() ? "(none)" : role, n);
  }
  if (r.lanes) {
    out += head("Lanes") + fmt::format("{} lanes, {} busy on average over {}: {} parallel efficiency\n", r.lanes->lanes,
                                       r.lanes->average_busy ? fmt::format("{:.2f}", *r.lanes->average_busy) : "n/a",
                                       ms(static_cast<double>(r.lanes->wall_ms)), pct(r.lanes->efficiency));
  }
  out += head("Sessions") + fmt::format("{}{}\n", thousands(r.sessions), roles.empty() ? "" : " (" + roles + ")");
  out += head("Cost") + fmt::format("{} total, {} per passed story\n", usd(r.cost_usd),
                                    r.cost_per_passed_story ? usd(*r.cost_per_passed_story) : "n/a");
  out += head("  per story") + per_passed_story(r) + "\n";
  out += head("  by model") + usd_list(r.cost_by_model) + "\n";
  out += head("  by role") + usd_list(r.cost_by_role) + "\n";
  out += head("  by story") + usd_list(r.cost_by_story) + "\n";
  out += head("Tokens") + fmt::format("in {}, out {}, cache read {}, cache write {}, cache hit {}\n",
                                      thousands(r.tokens_input), thousands(r.tokens_output),
                                      thousands(r.tokens_cache_read), thousands(r.tokens_cache_write),
                                      pct(r.cache_hit_ratio));
  out += head("Phases") + fmt::format("{:<10} {:>6} {:>9} {:>9} {:>9}\n", "phase", "count", "p50", "p95", "max");
  for (const auto& [phase, d] : r.phase_durations) {
    out += fmt::format("{:<13}{:<10} {:>6} {:>9} {:>9} {:>9}{}\n", "", phase, d.count, ms(d.p50), ms(d.p95), ms(d.max),
                       d.exact ? "" : " (approx.)");
  }
  out += head("Retries");
  if (r.retries_by_phase.empty()) {
    out += "none";
  }
  bool first = true;
  for (const auto& [phase, c] : r.retries_by_phase) {
    out += fmt::format("{}{}: {} transient, {} usage limit, {} contract", first ? "" : "; ", phase, c.transient,
                       c.usage_limit, c.contract);
    first = false;
  }
  out += fmt::format(" ({})\n", count_of(r.handoff_invalid, "invalid handoff", "invalid handoffs"));
  out += head("Gates") + fmt::format("{}, {} passed ({}), {} timed out\n", count_of(r.gates.runs, "run", "runs"),
                                     r.gates.passed, pct(r.gate_pass_rate), r.gates.timed_out);
  for (const auto& [name, g] : r.gates_by_name) {
    out += fmt::format("{:<13}{:<10} {}, {} passed\n", "", name.empty() ? "(none)" : name,
                       count_of(g.runs, "run", "runs"), g.passed);
  }
  out += head("Verifier") + fmt::format("{}, {} rejected ({}): {} fail_retry, {} fail_abort\n",
                                        count_of(r.verdicts, "verdict", "verdicts"),
                                        r.verdicts_fail_retry + r.verdicts_fail_abort, pct(r.verifier_rejection_rate),
                                        r.verdicts_fail_retry, r.verdicts_fail_abort);
  out += head("Outliers") + fmt::format("{} over 3x {} role's median cost or duration\n",
                                        count_of(r.outlier_count, "session", "sessions"),
                                        r.outlier_count == 1 ? "its" : "their");
  for (const auto& o : r.outliers) {
    bool cost = o.metric == "cost";
    out += fmt::format("{:<13}seq {} {} {} attempt {}: {} {} (median {})\n", "", o.seq, o.role,
                       o.story_id.empty() ? "-" : o.story_id, o.attempt, o.metric, cost ? usd(o.value) : ms(o.value),
                       cost ? usd(o.median) : ms(o.median));
  }
  return out;
}

}  // namespace simmer::cli
