#include "run/git.hpp"

#include "util/fs.hpp"
#include "util/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace simmer::run {

namespace {

util::ProcessResult git_run(const std::filesystem::path& root, std::vector<std::string> args,
                            const std::vector<std::string>& config, std::string* out = nullptr,
                            std::optional<std::string> input = std::nullopt) {
  util::ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), config.begin(), config.end());
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = root;
  spec.stdin_payload = std::move(input);
  spec.tail_bytes = 1 << 20;
  spec.drain_after_exit_ms = 100;
  // Never let git open an editor or a pager under the harness.
  spec.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"GIT_EDITOR", "true"}, {"GIT_PAGER", "cat"}};
  std::string collected;
  auto result = util::run_process(spec, [&](util::StreamId stream, std::string_view line, bool) {
    if (stream == util::StreamId::out) {
      collected.append(line);
      collected.push_back('\n');
    }
  });
  if (out) {
    *out = std::move(collected);
  }
  return result;
}

std::string trim_nl(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

// HEAD's sha read from .git/HEAD and the loose ref it names; nothing when anything is unusual (a .git file, a
// packed ref, a detached HEAD written oddly), and the caller asks git instead.
std::optional<std::string> read_head_sha(const std::filesystem::path& root) {
  auto read = [](const std::filesystem::path& p) -> std::optional<std::string> {
    std::FILE* f = std::fopen(p.c_str(), "rb");
    if (!f) {
      return std::nullopt;
    }
    char buf[512];
    std::size_t n = std::fread(buf, 1, sizeof buf, f);
    std::fclose(f);
    return trim_nl(std::string(buf, n));
  };
  auto git_dir = root / ".git";
  auto head = read(git_dir / "HEAD");
  if (!head) {
    return std::nullopt;
  }
  std::string value = *head;
  if (value.rfind("ref: ", 0) == 0) {
    auto ref = read(git_dir / value.substr(5));
    if (!ref) {
      return std::nullopt;
    }
    value = *ref;
  }
  if (value.size() != 40 || value.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Git::Git(std::filesystem::path root) : m_root(std::move(root)) {}

bool Git::is_work_tree() const {
  std::string out;
  auto r = git_run(m_root, {"rev-parse", "--is-inside-work-tree"}, m_identity_env, &out);
  return r.succeeded() && trim_nl(out) == "true";
}

std::vector<std::string> Git::dirty_paths() const {
  // -z would be exact for odd names, but the line reader splits on newlines; porcelain quotes odd names instead,
  // and such a name only means one more path in the commit's pathspec, which git unquotes itself.
  std::string out;
  auto r = git_run(m_root,
                   {"status", "--porcelain=v1", "--untracked-files=all", "--no-renames", "--", ".",
                    ":(exclude).simmer"},
                   m_identity_env, &out);
  std::vector<std::string> paths;
  if (!r.succeeded()) {
    return paths;
  }
  std::size_t pos = 0;
  while (pos < out.size()) {
    auto end = out.find('\n', pos);
    std::string line = out.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? out.size() : end + 1;
    if (line.size() > 3) {
      std::string path = line.substr(3);
      if (path.size() >= 2 && path.front() == '"' && path.back() == '"') {
        path = path.substr(1, path.size() - 2);
      }
      paths.push_back(path);
    }
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

Result<std::optional<std::string>> Git::commit(const std::vector<std::string>& paths, const std::string& subject,
                                               const std::string& run_id, long long seq) const {
  if (paths.empty()) {
    return std::optional<std::string>{};
  }
  return commit_pathspec(paths, subject, run_id, seq);
}

Result<std::optional<std::string>> Git::commit_work_tree(const std::vector<std::string>& excluded,
                                                         const std::string& subject, const std::string& run_id,
                                                         long long seq) const {
  // One pathspec for everything outside .simmer/ and the excluded paths: `git add -A` finds the changes itself,
  // which saves the `git status` that listing them first would cost.
  std::vector<std::string> pathspec = {".", ":(exclude).simmer"};
  for (const auto& p : excluded) {
    pathspec.push_back(":(exclude,literal)" + p);
  }
  return commit_pathspec(pathspec, subject, run_id, seq);
}

Result<std::optional<std::string>> Git::commit_pathspec(const std::vector<std::string>& pathspec,
                                                        const std::string& subject, const std::string& run_id,
                                                        long long seq) const {
  std::vector<std::string> add = {"add", "-A", "--"};
  add.insert(add.end(), pathspec.begin(), pathspec.end());
  auto r = git_run(m_root, add, m_identity_env);
  if (!r.succeeded()) {
    return Failure{fmt::format("git add failed ({}): {}", m_root.string(), trim_nl(r.output_tail)), ExitCode::failure};
  }
  // `--only` with pathspecs: git builds the commit from HEAD plus these paths, whatever else is staged.
  std::string message = fmt::format("{}\n\nSimmer-Run: {}\nSimmer-Seq: {}\n", subject, run_id, seq);
  // maintenance.auto=false: `git commit` would otherwise start `git maintenance run --auto` after every commit
  // (a process of its own, ~2 ms, two per story); the run asks for that check once at its end instead
  // (run_maintenance).
  std::vector<std::string> commit = {"-c",     "maintenance.auto=false", "commit", "-q", "--no-verify",
                                     "--allow-empty-message", "-F", "-", "--only", "--"};
  commit.insert(commit.end(), pathspec.begin(), pathspec.end());
  std::string out;
  r = git_run(m_root, commit, m_identity_env, &out, message);
  if (!r.succeeded()) {
    std::string why = trim_nl(r.output_tail);
    if (why.find("nothing to commit") != std::string::npos || why.find("no changes added") != std::string::npos ||
        why.find("nothing added to commit") != std::string::npos) {
      return std::optional<std::string>{};
    }
    return Failure{fmt::format("git commit failed ({}): {}", m_root.string(), why), ExitCode::failure};
  }
  // The new sha from the ref files themselves: one process less per commit than `git rev-parse HEAD`.
  if (auto sha = read_head_sha(m_root)) {
    return std::optional<std::string>(*sha);
  }
  out.clear();
  r = git_run(m_root, {"rev-parse", "HEAD"}, m_identity_env, &out);
  if (!r.succeeded()) {
    return Failure{fmt::format("git rev-parse HEAD failed ({}): {}", m_root.string(), trim_nl(r.output_tail)),
                   ExitCode::failure};
  }
  return std::optional<std::string>(trim_nl(out));
}

std::optional<std::string> Git::head_with_trailers(const std::string& run_id, long long seq) const {
  std::string out;
  auto r = git_run(m_root, {"log", "-1", "--format=%H%n%B"}, m_identity_env, &out);
  if (!r.succeeded()) {
    return std::nullopt;
  }
  auto nl = out.find('\n');
  if (nl == std::string::npos) {
    return std::nullopt;
  }
  std::string sha = out.substr(0, nl);
  std::string body = out.substr(nl);
  if (body.find(fmt::format("\nSimmer-Run: {}\n", run_id)) == std::string::npos ||
      body.find(fmt::format("\nSimmer-Seq: {}\n", seq)) == std::string::npos) {
    return std::nullopt;
  }
  return sha;
}

void Git::run_maintenance() const {
  // Best effort, as git's own automatic call after a commit is: a git without `maintenance` just says so. In the
  // foreground: `cook` is a child subreaper that stops whatever is left running when it exits, and a gc that
  // detached itself would be stopped half way instead of finishing.
  git_run(m_root, {"-c", "gc.autoDetach=false", "-c", "maintenance.autoDetach=false", "maintenance", "run", "--auto",
                   "--quiet"},
          m_identity_env);
}

bool Git::clear_stale_index_lock() const {
  std::string out;
  auto r = git_run(m_root, {"rev-parse", "--git-path", "index.lock"}, m_identity_env, &out);
  if (!r.succeeded()) {
    return false;
  }
  std::filesystem::path lock = trim_nl(out);
  if (lock.is_relative()) {
    lock = m_root / lock;
  }
  std::error_code ec;
  return std::filesystem::remove(lock, ec);
}

Git::HeadRef Git::head() const {
  HeadRef out;
  auto read = [](const std::filesystem::path& p) -> std::optional<std::string> {
    auto text = util::read_regular_file(p);
    return text.ok() ? std::optional<std::string>(trim_nl(*text)) : std::nullopt;
  };
  auto is_sha = [](const std::string& v) {
    return v.size() == 40 && v.find_first_not_of("0123456789abcdef") == std::string::npos;
  };
  auto git_dir = m_root / ".git";
  if (auto head = read(git_dir / "HEAD")) {
    if (head->rfind("ref: ", 0) == 0) {
      out.branch = head->substr(5);
      if (auto ref = read(git_dir / out.branch); ref && is_sha(*ref)) {
        out.sha = *ref;
        return out;
      }
    } else if (is_sha(*head)) {
      out.sha = *head;
      return out;
    }
  }
  // A .git file (worktree, submodule), a packed ref or an unborn branch: ask git.
  std::string text;
  out = {};
  if (git_run(m_root, {"symbolic-ref", "-q", "HEAD"}, m_identity_env, &text).succeeded()) {
    out.branch = trim_nl(text);
  }
  text.clear();
  if (git_run(m_root, {"rev-parse", "-q", "--verify", "HEAD^{commit}"}, m_identity_env, &text).succeeded()) {
    out.sha = trim_nl(text);
  }
  return out;
}

Result<bool> Git::restore_head(const HeadRef& want) const {
  auto run = [&](std::vector<std::string> args) -> Result<bool> {
    auto r = git_run(m_root, args, m_identity_env);
    if (!r.succeeded()) {
      return Failure{fmt::format("git {} failed ({}): {}", args.front(), m_root.string(), trim_nl(r.output_tail)),
                     ExitCode::failure};
    }
    return true;
  };
  if (!want.branch.empty()) {
    if (!want.sha.empty()) {
      if (auto r = run({"update-ref", "-m", "simmer: restore the run's branch", want.branch, want.sha}); !r.ok()) {
        return r;
      }
    }
    if (auto r = run({"symbolic-ref", "-m", "simmer: back to the run's branch", "HEAD", want.branch}); !r.ok()) {
      return r;
    }
  } else if (!want.sha.empty()) {
    if (auto r = run({"update-ref", "--no-deref", "-m", "simmer: back to the run's commit", "HEAD", want.sha});
        !r.ok()) {
      return r;
    }
  }
  if (want.sha.empty()) {
    return true;
  }
  return run({"reset", "-q"});
}

bool Git::is_ancestor(const std::string& ancestor, const std::string& descendant) const {
  return git_run(m_root, {"merge-base", "--is-ancestor", ancestor, descendant}, m_identity_env).succeeded();
}

void Git::ensure_identity() {
  std::string out;
  auto r = git_run(m_root, {"config", "user.email"}, {}, &out);
  if (r.succeeded() && !trim_nl(out).empty()) {
    return;
  }
  if (std::getenv("GIT_AUTHOR_EMAIL") && std::getenv("GIT_COMMITTER_EMAIL")) {
    return;
  }
  m_identity_env = {"-c", "user.name=simmer", "-c", "user.email=simmer@localhost"};
}

}  // namespace simmer::run
