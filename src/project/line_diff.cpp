#include "project/line_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace simmer::project {

namespace {

struct Lines {
  std::vector<std::string> lines;
  bool final_newline = true;
};

Lines split(const std::string& s) {
  Lines out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      out.lines.push_back(s.substr(start));
      out.final_newline = false;
      break;
    }
    out.lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

}  // namespace

std::string unified_diff(const std::string& before, const std::string& after, const std::string& label) {
  if (before == after) {
    return "";
  }
  Lines a = split(before);
  Lines b = split(after);
  // A missing final newline makes the last line differ, as `diff` shows it.
  if (!a.final_newline && !a.lines.empty()) {
    a.lines.back() += "\n\\ No newline at end of file";
  }
  if (!b.final_newline && !b.lines.empty()) {
    b.lines.back() += "\n\\ No newline at end of file";
  }
  const std::size_t n = a.lines.size();
  const std::size_t m = b.lines.size();
  // Config files are small: a full LCS table is simplest and exact.
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a.lines[i] == b.lines[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  struct Op {
    char kind;  // ' ', '-', '+'
    std::size_t ai;
    std::size_t bi;
  };
  std::vector<Op> ops;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a.lines[i] == b.lines[j]) {
      ops.push_back({' ', i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      // Deletions before insertions, as diff(1) prints them.
      ops.push_back({'-', i++, j});
    } else {
      ops.push_back({'+', i, j++});
    }
  }
  std::string out = fmt::format("--- a/{}\n+++ b/{}\n", label, label);
  const std::size_t context = 3;
  std::size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].kind == ' ') {
      ++k;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change within reach.
    std::size_t start = k >= context ? k - context : 0;
    std::size_t end = k;
    std::size_t last_change = k;
    while (end < ops.size()) {
      if (ops[end].kind != ' ') {
        last_change = end;
      } else if (end - last_change > 2 * context) {
        break;
      }
      ++end;
    }
    end = std::min(ops.size(), last_change + context + 1);
    std::size_t a_start = ops[start].ai;
    std::size_t b_start = ops[start].bi;
    std::size_t a_count = 0;
    std::size_t b_count = 0;
    std::string body;
    for (std::size_t p = start; p < end; ++p) {
      const Op& op = ops[p];
      if (op.kind == ' ') {
        body += " " + a.lines[op.ai] + "\n";
        ++a_count;
        ++b_count;
      } else if (op.kind == '-') {
        body += "-" + a.lines[op.ai] + "\n";
        ++a_count;
      } else {
        body += "+" + b.lines[op.bi] + "\n";
        ++b_count;
      }
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_count == 0 ? a_start : a_start + 1, a_count,
                       b_count == 0 ? b_start : b_start + 1, b_count);
    out += body;
    k = end;
  }
  return out;
}

}  // namespace simmer::project
