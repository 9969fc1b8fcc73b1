// Implementation notes: harness commits with git's plumbing.
// - A commit is built where nothing else looks: a private index (<git dir>/simmer-index.<pid>) that holds HEAD's tree,
//   `git add -A -- <pathspec>` into it, `git write-tree`, then `git commit-tree -F <message file>` and one
//   `git update-ref HEAD <new> <old>`. Until that update-ref the new commit is unreachable, and update-ref is
//   atomic (git's ref lock), so a kill -9 at any instant (of simmer, or of the git it started, which lives in a
//   process group of its own and may outlive simmer) leaves either no new commit or the whole commit with its
//   message and trailers. The message comes from a file (<git dir>/SIMMER_COMMIT_MSG.<pid>) written before any
//   git starts: a git outliving a killed simmer never reads an empty stdin. Both files are named by pid so that
//   such a git never shares them with the next simmer, which removes those of dead pids at start.
// - When update-ref refuses because HEAD moved, the mover may be a git of a killed predecessor finishing this very
//   commit: HEAD carrying this commit's trailers is adopted as the commit.
// - The private index keeps its stat data from one commit to the next (it holds the tree of the last commit this
//   process made, m_tip); it is rebuilt (a copy of the real index, `git read-tree -m HEAD`, which keeps the stat
//   data of unchanged entries) when a process makes its first commit or HEAD moved under it.
// - The real index is brought up to date after the ref moved: while it is the file this process last wrote (same
//   inode, size, mtime), it holds HEAD's tree and is replaced by the private index under git's own lock protocol
//   (index.lock with O_EXCL, rename), with no process; otherwise `git add -A -- <pathspec>` updates it, which is
//   what `git commit --only` did, and what someone else staged stays staged.
// - Idempotence on resume: when a process's first commit finds HEAD carrying this commit's trailers, a killed
//   predecessor made it (perhaps without updating the real index): the index is updated and that sha returned.
// - Hooks run as `git commit` runs them, through `git hook run`: pre-commit with GIT_INDEX_FILE at the private
//   index (what a scanner's `git diff --cached` must see; what it stages is committed), prepare-commit-msg and
//   commit-msg on the message file (what they write is the message; the trailers are put back if a hook dropped
//   them, since resuming depends on them), post-commit after the ref moved (its status ignored, as git does).
//   A hook is only started when its file exists and is executable, so a repository without hooks pays nothing.
// - index.lock is removed only when no live process has it open (read from /proc/<pid>/fd); a held one is waited
//   for, never taken.

#include "run/git.hpp"

#include "util/fs.hpp"
#include "util/process.hpp"
#include "util/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <csignal>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace simmer::run {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_empty_tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
constexpr const char* k_null_sha = "0000000000000000000000000000000000000000";
// A git left running by a killed predecessor holds a lock for milliseconds; someone's editor or a long `git gc`
// may hold it much longer, and then the run stops with a message rather than take the lock from a live process.
constexpr int k_lock_wait_ms = 10000;

struct GitCall {
  std::vector<std::string> args;
  std::optional<fs::path> index;  // GIT_INDEX_FILE
  std::optional<std::string> input;
  int timeout_ms = 0;
};

util::ProcessResult git_run(const fs::path& root, const GitCall& call, const std::vector<std::string>& config,
                            std::string* out = nullptr) {
  util::ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), config.begin(), config.end());
  spec.argv.insert(spec.argv.end(), call.args.begin(), call.args.end());
  spec.cwd = root;
  spec.stdin_payload = call.input;
  spec.tail_bytes = 1 << 20;
  spec.drain_after_exit_ms = 100;
  spec.timeout_ms = call.timeout_ms;
  // Never let git open an editor or a pager under the harness.
  spec.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"GIT_EDITOR", "true"}, {"GIT_PAGER", "cat"}};
  if (call.index) {
    spec.env["GIT_INDEX_FILE"] = call.index->string();
  }
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

util::ProcessResult git_run(const fs::path& root, std::vector<std::string> args, const std::vector<std::string>& config,
                            std::string* out = nullptr) {
  return git_run(root, GitCall{std::move(args), std::nullopt, std::nullopt, 0}, config, out);
}

std::string trim_nl(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

Failure git_failure(const char* what, const fs::path& root, const util::ProcessResult& r) {
  std::string why = r.spawned ? trim_nl(r.output_tail) : r.spawn_error;
  return Failure{fmt::format("{} failed ({}): {}", what, root.string(), why), ExitCode::failure};
}

std::optional<std::string> read_small(const fs::path& p) {
  std::FILE* f = std::fopen(p.c_str(), "rb");
  if (!f) {
    return std::nullopt;
  }
  char buf[512];
  std::size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  return trim_nl(std::string(buf, n));
}

bool is_sha(const std::string& s) {
  return s.size() == 40 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// HEAD's sha read from <git dir>/HEAD and the loose ref it names: "" for a branch with no commit yet (an unborn
// branch has no ref file and no packed ref); nothing when anything is unusual (a packed ref, a detached HEAD
// written oddly), and the caller asks git instead.
std::optional<std::string> read_head_sha(const fs::path& git_dir) {
  auto head = read_small(git_dir / "HEAD");
  if (!head) {
    return std::nullopt;
  }
  std::string value = *head;
  if (value.rfind("ref: ", 0) == 0) {
    auto ref = read_small(git_dir / value.substr(5));
    if (!ref) {
      std::error_code ec;
      return fs::exists(git_dir / "packed-refs", ec) ? std::nullopt : std::optional<std::string>("");
    }
    value = *ref;
  }
  return is_sha(value) ? std::optional<std::string>(value) : std::nullopt;
}

// Pids of live processes that have `path` open, from /proc/<pid>/fd (Linux). Processes we may not inspect are
// not seen; git runs as the same user as simmer, so its own are.
std::vector<int> holders_of(const fs::path& path) {
  std::vector<int> pids;
  DIR* proc = ::opendir("/proc");
  if (!proc) {
    return pids;
  }
  std::error_code ec;
  const std::string target = fs::weakly_canonical(path, ec).string();
  while (dirent* d = ::readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(d->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') {
      continue;
    }
    std::string fd_dir = fmt::format("/proc/{}/fd", pid);
    DIR* fds = ::opendir(fd_dir.c_str());
    if (!fds) {
      continue;
    }
    while (dirent* f = ::readdir(fds)) {
      if (f->d_name[0] == '.') {
        continue;
      }
      char link[4096];
      std::string fd_path = fd_dir + "/" + f->d_name;
      ssize_t n = ::readlink(fd_path.c_str(), link, sizeof link - 1);
      if (n > 0 && std::string_view(link, static_cast<std::size_t>(n)) == target) {
        pids.push_back(static_cast<int>(pid));
        break;
      }
    }
    ::closedir(fds);
  }
  ::closedir(proc);
  return pids;
}

std::string process_name(int pid) {
  auto comm = read_small(fmt::format("/proc/{}/comm", pid));
  return comm ? *comm : std::string("?");
}

bool has_trailers(const std::string& body, const std::string& run_id, long long seq) {
  std::string text = "\n" + body;
  if (text.empty() || text.back() != '\n') {
    text.push_back('\n');
  }
  return text.find(fmt::format("\nSimmer-Run: {}\n", run_id)) != std::string::npos &&
         text.find(fmt::format("\nSimmer-Seq: {}\n", seq)) != std::string::npos;
}

// HEAD's sha, tree and message in one process; nothing without a commit.
struct HeadCommit {
  std::string sha;
  std::string tree;
  std::string body;
};
std::optional<HeadCommit> head_commit(const fs::path& root, const std::vector<std::string>& config) {
  std::string out;
  auto r = git_run(root, {"log", "-1", "--format=%H%n%T%n%B"}, config, &out);
  if (!r.succeeded()) {
    return std::nullopt;
  }
  auto nl1 = out.find('\n');
  auto nl2 = nl1 == std::string::npos ? nl1 : out.find('\n', nl1 + 1);
  if (nl2 == std::string::npos) {
    return std::nullopt;
  }
  return HeadCommit{out.substr(0, nl1), out.substr(nl1 + 1, nl2 - nl1 - 1), out.substr(nl2 + 1)};
}

bool copy_whole_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  return !ec;
}

}  // namespace

Git::Git(fs::path root) : m_root(std::move(root)) {}

bool Git::is_work_tree() const {
  std::string out;
  auto r = git_run(m_root, {"rev-parse", "--is-inside-work-tree"}, m_identity_env, &out);
  return r.succeeded() && trim_nl(out) == "true";
}

namespace {

// `git status --porcelain=v1` outside .simmer/: each line's two status letters and path, in git's order.
// -z would be exact for odd names, but the line reader splits on newlines; porcelain quotes odd names instead,
// and such a name only means one more path in the commit's pathspec, which git unquotes itself.
std::vector<std::pair<std::string, std::string>> status_lines(const fs::path& root, const std::string& untracked,
                                                              const std::vector<std::string>& env) {
  std::string out;
  auto r = git_run(root,
                   {"status", "--porcelain=v1", "--untracked-files=" + untracked, "--no-renames", "--", ".",
                    ":(exclude).simmer"},
                   env, &out);
  std::vector<std::pair<std::string, std::string>> lines;
  if (!r.succeeded()) {
    return lines;
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
      lines.emplace_back(line.substr(0, 2), std::move(path));
    }
  }
  return lines;
}

// What a tracked path holds now: its content's hash (a symbolic link's: its target's name), nullopt when gone.
std::optional<std::string> content_sha256(const fs::path& file) {
  std::error_code ec;
  auto st = fs::symlink_status(file, ec);
  if (ec || !fs::exists(st)) {
    return std::nullopt;
  }
  if (fs::is_symlink(st)) {
    return util::sha256_hex("symlink:" + fs::read_symlink(file, ec).string());
  }
  auto h = util::sha256_file_hex(file);
  return h.ok() ? std::optional<std::string>(*h) : util::sha256_hex("unreadable");
}

}  // namespace

std::vector<std::string> Git::dirty_paths() const {
  std::vector<std::string> paths;
  for (auto& [xy, path] : status_lines(m_root, "all", m_identity_env)) {
    paths.push_back(std::move(path));
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

std::vector<core::DirtyEntry> Git::dirty_entries() const {
  std::vector<core::DirtyEntry> entries;
  for (auto& [xy, path] : status_lines(m_root, "normal", m_identity_env)) {
    const bool untracked = xy == "??";
    std::optional<std::string> sha = untracked ? std::nullopt : content_sha256(m_root / path);
    entries.push_back({.path = std::move(path), .untracked = untracked, .sha256 = std::move(sha)});
  }
  return entries;
}

std::optional<std::string> Git::file_sha256(const std::string& path) const { return content_sha256(m_root / path); }

void Git::set_hooks(Hooks mode, int timeout_ms) {
  m_hooks = mode;
  m_hook_timeout_ms = timeout_ms;
}

Result<Git::Layout> Git::layout() {
  if (m_layout) {
    return *m_layout;
  }
  std::string out;
  auto r = git_run(m_root, {"rev-parse", "--absolute-git-dir", "--git-path", "index", "--git-path", "hooks"},
                   m_identity_env, &out);
  if (!r.succeeded()) {
    return git_failure("git rev-parse", m_root, r);
  }
  std::vector<std::string> lines;
  for (std::size_t pos = 0; pos < out.size();) {
    auto end = out.find('\n', pos);
    lines.push_back(out.substr(pos, end - pos));
    pos = end == std::string::npos ? out.size() : end + 1;
  }
  if (lines.size() < 3) {
    return Failure{fmt::format("git rev-parse failed ({}): unexpected output \"{}\"", m_root.string(), out),
                   ExitCode::failure};
  }
  auto absolute = [&](const std::string& p) { return fs::path(p).is_relative() ? m_root / p : fs::path(p); };
  m_layout = Layout{lines[0], absolute(lines[1]), absolute(lines[2])};
  return *m_layout;
}

Result<CommitOutcome> Git::commit(const std::vector<std::string>& paths, const std::string& subject,
                                  const std::string& run_id, long long seq) {
  if (paths.empty()) {
    return CommitOutcome{};
  }
  return commit_pathspec(paths, subject, run_id, seq);
}

Result<CommitOutcome> Git::commit_work_tree(const std::vector<std::string>& excluded, const std::string& subject,
                                            const std::string& run_id, long long seq) {
  // One pathspec for everything outside .simmer/ and the excluded paths: `git add -A` finds the changes itself,
  // which saves the `git status` that listing them first would cost.
  std::vector<std::string> pathspec = {".", ":(exclude).simmer"};
  for (const auto& p : excluded) {
    pathspec.push_back(":(exclude,literal)" + p);
  }
  return commit_pathspec(pathspec, subject, run_id, seq);
}

Result<bool> Git::settle_index_lock(const fs::path& lock, int wait_ms) const {
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    struct stat before {};
    if (::stat(lock.c_str(), &before) != 0) {
      return false;
    }
    auto holders = holders_of(lock);
    if (holders.empty()) {
      // A git closes its lock file just before renaming it into place: look once more, a moment later, before
      // calling a lock nobody holds stale.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      struct stat after {};
      if (::stat(lock.c_str(), &after) != 0) {
        return false;
      }
      if (after.st_ino == before.st_ino && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec &&
          after.st_mtim.tv_sec == before.st_mtim.tv_sec && holders_of(lock).empty()) {
        std::error_code ec;
        return fs::remove(lock, ec);
      }
      continue;
    }
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (waited.count() >= wait_ms) {
      return Failure{fmt::format("git's index is locked ({}): held open by a live process (pid {}, {}) for more "
                                 "than {} s; let it finish or stop it, then run simmer again",
                                 lock.string(), holders.front(), process_name(holders.front()), wait_ms / 1000),
                     ExitCode::failure};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void Git::moved_to(const std::string& sha, const std::string& tree) {
  if (m_tip && *m_tip == sha) {
    return;
  }
  m_tip = sha;
  m_tip_tree = tree;
  m_private_ready = false;  // it holds the old tip's tree
}

fs::path Git::private_index() const { return m_layout->git_dir / fmt::format("simmer-index.{}", ::getpid()); }

fs::path Git::message_file() const { return m_layout->git_dir / fmt::format("SIMMER_COMMIT_MSG.{}", ::getpid()); }

Result<bool> Git::clear_stale_index_lock() {
  auto lay = layout();
  if (!lay.ok()) {
    return lay.failure();
  }
  // Private files of simmer processes that are gone (kill -9 leaves them): `<name>.<pid>` and `<name>.<pid>.lock`.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(lay->git_dir, ec)) {
    std::string name = entry.path().filename().string();
    for (const char* prefix : {"simmer-index.", "SIMMER_COMMIT_MSG."}) {
      if (name.rfind(prefix, 0) != 0) {
        continue;
      }
      long pid = std::strtol(name.c_str() + std::strlen(prefix), nullptr, 10);
      if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
        std::error_code remove_ec;
        fs::remove(entry.path(), remove_ec);
      }
    }
  }
  fs::path lock = lay->index;
  lock += ".lock";
  return settle_index_lock(lock, k_lock_wait_ms);
}

std::optional<Failure> Git::prepare_private_index(const std::string& head_sha) {
  fs::path p = private_index();
  std::error_code ec;
  fs::remove(p, ec);
  if (head_sha.empty()) {
    return std::nullopt;  // no commit yet: an empty index, filled by the add
  }
  // A copy of the real index keeps the stat data git needs to skip rehashing unchanged files; read-tree -m then
  // makes its entries HEAD's, whatever someone staged. A real index git cannot merge from (a conflict) is
  // dropped for HEAD's tree alone.
  if (util::exists(m_layout->index) && copy_whole_file(m_layout->index, p)) {
    auto r = git_run(m_root, GitCall{{"read-tree", "-m", head_sha}, p, std::nullopt, 0}, m_identity_env);
    if (r.succeeded()) {
      return std::nullopt;
    }
    fs::remove(p, ec);
  }
  auto r = git_run(m_root, GitCall{{"read-tree", head_sha}, p, std::nullopt, 0}, m_identity_env);
  if (!r.succeeded()) {
    return git_failure("git read-tree", m_root, r);
  }
  return std::nullopt;
}

Git::FileId Git::file_id(const fs::path& p) {
  struct stat st {};
  FileId id;
  if (::stat(p.c_str(), &st) == 0) {
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    id.size = st.st_size;
    id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }
  return id;
}

namespace {

// Replaces `index` by a copy of `from` the way git replaces an index: <index>.lock created exclusively, written,
// renamed over it. False (nothing changed) when the lock exists or any step fails.
bool install_index(const fs::path& from, const fs::path& index) {
  fs::path lock = index;
  lock += ".lock";
  int fd = ::open(lock.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return false;
  }
  bool ok = false;
  if (auto content = util::read_file(from); content.ok()) {
    ok = util::write_all(fd, *content).error == 0;
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(lock.c_str(), index.c_str()) != 0) {
    ::unlink(lock.c_str());
    return false;
  }
  return true;
}

}  // namespace

std::optional<Failure> Git::update_real_index(const std::vector<std::string>& pathspec) {
  if (m_private_ready && m_owned_index && file_id(m_layout->index) == *m_owned_index &&
      install_index(private_index(), m_layout->index)) {
    m_owned_index = file_id(m_layout->index);
    return std::nullopt;
  }
  std::vector<std::string> add = {"add", "-A", "--"};
  add.insert(add.end(), pathspec.begin(), pathspec.end());
  auto r = git_run(m_root, add, m_identity_env);
  if (!r.succeeded() && r.output_tail.find("index.lock") != std::string::npos) {
    // A git left by a killed predecessor may still hold the lock for a moment.
    fs::path lock = m_layout->index;
    lock += ".lock";
    if (auto settled = settle_index_lock(lock, k_lock_wait_ms); !settled.ok()) {
      return settled.failure();
    }
    r = git_run(m_root, add, m_identity_env);
  }
  if (!r.succeeded()) {
    m_owned_index.reset();
    return git_failure("git add", m_root, r);
  }
  // The real index is ours from now on only when it holds HEAD's tree exactly (nothing else staged).
  auto same = git_run(m_root, {"diff-index", "--cached", "--quiet", "HEAD", "--"}, m_identity_env);
  if (same.spawned && same.exit_code == 0) {
    m_owned_index = file_id(m_layout->index);
  } else {
    m_owned_index.reset();
  }
  return std::nullopt;
}

bool Git::hook_exists(const std::string& hook) const {
  fs::path p = m_layout->hooks / hook;
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::optional<HookFailure> Git::run_hook(const std::string& hook, const std::vector<std::string>& args) const {
  GitCall call;
  call.args = {"hook", "run", hook, "--"};
  call.args.insert(call.args.end(), args.begin(), args.end());
  call.index = hook == "post-commit" ? m_layout->index : private_index();
  call.timeout_ms = m_hook_timeout_ms;
  auto r = git_run(m_root, call, m_identity_env);
  if (r.succeeded()) {
    return std::nullopt;
  }
  HookFailure f;
  f.hook = hook;
  f.exit_code = r.exit_code;
  f.timed_out = r.timed_out;
  f.output_tail = r.spawned ? r.output_tail : r.spawn_error;
  f.duration_ms = r.duration_ms;
  return f;
}

Result<CommitOutcome> Git::adopt(const std::string& sha, const std::string& tree,
                                 const std::vector<std::string>& pathspec) {
  m_tip = sha;
  m_tip_tree = tree;
  m_private_ready = false;
  if (auto failed = update_real_index(pathspec)) {
    return *failed;
  }
  return CommitOutcome{sha, std::nullopt};
}

Result<CommitOutcome> Git::commit_pathspec(const std::vector<std::string>& pathspec, const std::string& subject,
                                           const std::string& run_id, long long seq) {
  auto lay = layout();
  if (!lay.ok()) {
    return lay.failure();
  }
  // 1. Where HEAD is: read from the ref files (no process) while it is still our last commit.
  std::optional<std::string> head = read_head_sha(lay->git_dir);
  if (!head || !m_tip || *head != *m_tip) {
    // First commit of this process, or HEAD moved: one `git log` says where HEAD is, its tree, and whether a
    // killed predecessor already made this very commit.
    m_private_ready = false;
    auto found = head_commit(m_root, m_identity_env);
    if (found && has_trailers(found->body, run_id, seq)) {
      return adopt(found->sha, found->tree, pathspec);
    }
    m_tip = found ? found->sha : std::string();
    m_tip_tree = found ? found->tree : std::string(k_empty_tree);
  }
  if (!m_private_ready) {
    if (auto failed = prepare_private_index(*m_tip)) {
      return *failed;
    }
    m_private_ready = true;
  }
  // 2. The commit's tree: HEAD's plus the pathspec as it is in the work tree.
  const fs::path index = private_index();
  std::vector<std::string> add = {"add", "-A", "--"};
  add.insert(add.end(), pathspec.begin(), pathspec.end());
  auto r = git_run(m_root, GitCall{add, index, std::nullopt, 0}, m_identity_env);
  if (!r.succeeded()) {
    m_private_ready = false;
    return git_failure("git add", m_root, r);
  }
  auto write_tree = [&]() -> Result<std::string> {
    std::string out;
    auto w = git_run(m_root, GitCall{{"write-tree"}, index, std::nullopt, 0}, m_identity_env, &out);
    if (!w.succeeded()) {
      m_private_ready = false;
      return git_failure("git write-tree", m_root, w);
    }
    return trim_nl(out);
  };
  auto tree = write_tree();
  if (!tree.ok()) {
    return tree.failure();
  }
  if (*tree == m_tip_tree) {
    return CommitOutcome{};
  }
  // 3. The hooks `git commit` would run, in its order. A refusal leaves the private index holding staged work
  //    that is not HEAD's: it is rebuilt for the next commit.
  const bool hooks = m_hooks == Hooks::run;
  if (hooks && hook_exists("pre-commit")) {
    if (auto refused = run_hook("pre-commit", {})) {
      m_private_ready = false;
      return CommitOutcome{std::nullopt, refused};
    }
    tree = write_tree();  // what the hook staged is committed, as with git commit
    if (!tree.ok()) {
      return tree.failure();
    }
  }
  const fs::path message_file = this->message_file();
  std::string trailers = fmt::format("Simmer-Run: {}\nSimmer-Seq: {}\n", run_id, seq);
  std::string message = fmt::format("{}\n\n{}", subject, trailers);
  {
    std::FILE* f = std::fopen(message_file.c_str(), "wb");
    if (!f || std::fwrite(message.data(), 1, message.size(), f) != message.size() || std::fclose(f) != 0) {
      return Failure{fmt::format("cannot write the commit message ({}): {}", message_file.string(),
                                 util::errno_text(errno)),
                     ExitCode::failure};
    }
  }
  bool message_hooks = false;
  for (const char* hook : {"prepare-commit-msg", "commit-msg"}) {
    if (!hooks || !hook_exists(hook)) {
      continue;
    }
    message_hooks = true;
    std::vector<std::string> args = {message_file.string()};
    if (std::string(hook) == "prepare-commit-msg") {
      args.emplace_back("message");
    }
    if (auto refused = run_hook(hook, args)) {
      m_private_ready = false;
      return CommitOutcome{std::nullopt, refused};
    }
  }
  if (message_hooks) {
    auto edited = util::read_file(message_file);
    std::string text = edited.ok() ? *edited : message;
    if (!has_trailers(text, run_id, seq)) {
      // The resumed run finds this commit by its trailers: a hook that rewrote the message does not get to
      // drop them.
      if (!text.empty() && text.back() != '\n') {
        text.push_back('\n');
      }
      text += "\n" + trailers;
      std::FILE* f = std::fopen(message_file.c_str(), "wb");
      if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
        return Failure{fmt::format("cannot write the commit message ({}): {}", message_file.string(),
                                   util::errno_text(errno)),
                       ExitCode::failure};
      }
    }
  }
  // 4. The commit object (unreachable until the ref moves), then the ref, only from the HEAD it was built on.
  std::vector<std::string> commit_tree = {"commit-tree", *tree};
  if (!m_tip->empty()) {
    commit_tree.insert(commit_tree.end(), {"-p", *m_tip});
  }
  commit_tree.insert(commit_tree.end(), {"-F", message_file.string()});
  std::string out;
  r = git_run(m_root, commit_tree, m_identity_env, &out);
  if (!r.succeeded()) {
    return git_failure("git commit-tree", m_root, r);
  }
  std::string sha = trim_nl(out);
  r = git_run(m_root,
              {"update-ref", "-m", fmt::format("commit{}: {}", m_tip->empty() ? " (initial)" : "", subject), "HEAD",
               sha, m_tip->empty() ? std::string(k_null_sha) : *m_tip},
              m_identity_env);
  if (!r.succeeded()) {
    m_private_ready = false;
    m_tip.reset();
    if (auto found = head_commit(m_root, m_identity_env); found && has_trailers(found->body, run_id, seq)) {
      return adopt(found->sha, found->tree, pathspec);
    }
    return git_failure("git update-ref", m_root, r);
  }
  m_tip = sha;
  m_tip_tree = *tree;
  // 5. The real index catches up with the new HEAD; then post-commit, whose status git ignores too.
  if (auto failed = update_real_index(pathspec)) {
    return *failed;
  }
  if (hooks && hook_exists("post-commit")) {
    run_hook("post-commit", {});
  }
  return CommitOutcome{sha, std::nullopt};
}

void Git::run_maintenance() const {
  // Best effort, as git's own automatic call after a commit is: a git without `maintenance` just says so. In the
  // foreground: `cook` is a child subreaper that stops whatever is left running when it exits, and a gc that
  // detached itself would be stopped half way instead of finishing.
  git_run(m_root,
          {"-c", "gc.autoDetach=false", "-c", "maintenance.autoDetach=false", "maintenance", "run", "--auto",
           "--quiet"},
          m_identity_env);
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
