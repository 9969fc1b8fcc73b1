#include "run/inputs.hpp"

#include "util/atomic_file.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

#include <algorithm>
#include <system_error>

namespace simmer::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string relative_display(const fs::path& root, const fs::path& p) {
  auto rel = p.lexically_relative(root);
  return rel.empty() || *rel.begin() == ".." ? p.string() : rel.generic_string();
}

std::optional<std::string> read_pinned(const fs::path& p) {
  auto text = util::read_regular_file(p);
  return text.ok() ? std::optional<std::string>(*text) : std::nullopt;
}

// What is at `p` now, without following a symlink: its bytes, nullopt when nothing is there, and `other` set when
// something that is not a regular file is (a symlink, a directory, a FIFO), which never equals pinned bytes.
struct OnDisk {
  std::optional<std::string> bytes;
  bool other = false;
};

OnDisk on_disk(const fs::path& p) {
  std::error_code ec;
  auto st = fs::symlink_status(p, ec);
  if (ec || st.type() == fs::file_type::not_found) {
    return {};
  }
  if (st.type() != fs::file_type::regular) {
    return {std::nullopt, true};
  }
  auto text = util::read_regular_file(p);
  return text.ok() ? OnDisk{*text, false} : OnDisk{std::nullopt, true};
}

bool remove_entry(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
  return !ec;
}

}  // namespace

std::optional<InputTamper> restore_file(const fs::path& path, const std::string& display,
                                        const std::optional<std::string>& want, std::optional<std::string>* found) {
  OnDisk now = on_disk(path);
  if (!now.other && now.bytes == want) {
    return std::nullopt;
  }
  if (found) {
    *found = now.bytes;
  }
  InputTamper t;
  t.display = display;
  t.change = !want ? core::TamperChange::created
                   : (!now.bytes && !now.other ? core::TamperChange::removed : core::TamperChange::changed);
  if (want) {
    // A symlink or directory in the way would make the rename fail or write elsewhere: clear it first.
    if (now.other) {
      remove_entry(path);
    }
    util::ensure_dir(path.parent_path());
    util::write_file_atomic(path, *want);
    t.restored = true;
  } else {
    t.restored = remove_entry(path);
  }
  return t;
}

RunInputs RunInputs::pin(const fs::path& root, const fs::path& config, const fs::path& prompts,
                         const std::vector<std::string>& scenarios) {
  RunInputs in;
  in.m_root = root;
  in.m_prompts = prompts;
  auto add = [&](const fs::path& p) {
    std::string display = relative_display(root, p);
    for (const auto& f : in.m_files) {
      if (f.display == display) {
        return;
      }
    }
    in.m_files.push_back({p, display, read_pinned(p)});
  };
  add(config);
  std::error_code ec;
  for (fs::directory_iterator it(prompts, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->symlink_status(type_ec).type() == fs::file_type::regular) {
      add(it->path());
    }
  }
  for (const auto& s : scenarios) {
    fs::path p(s);
    add(p.is_absolute() ? p : root / p);
  }
  std::sort(in.m_files.begin(), in.m_files.end(),
            [](const PinnedFile& a, const PinnedFile& b) { return a.display < b.display; });
  return in;
}

std::vector<core::events::InputHash> RunInputs::hashes() const {
  std::vector<core::events::InputHash> out;
  for (const auto& f : m_files) {
    out.push_back(
        {.file = f.display, .sha256 = f.bytes ? std::optional<std::string>(util::sha256_hex(*f.bytes)) : std::nullopt});
  }
  return out;
}

std::optional<std::string> RunInputs::prompt_override(const std::string& name) const {
  fs::path want = m_prompts / (name + ".md");
  for (const auto& f : m_files) {
    if (f.path == want) {
      return f.bytes;
    }
  }
  return std::nullopt;
}

std::vector<InputTamper> RunInputs::check_and_restore(const fs::path& save_dir, const std::string& stem) const {
  std::vector<InputTamper> found;
  auto save = [&](const std::string& display, const std::optional<std::string>& bytes) -> std::string {
    if (!bytes) {
      return {};
    }
    std::string name = display;
    std::replace(name.begin(), name.end(), '/', '_');
    fs::path target = save_dir / (stem + "-" + name);
    util::ensure_dir(save_dir);
    util::write_file_atomic(target, *bytes);
    return relative_display(m_root, target);
  };
  // The overrides folder first: replaced by a symlink, it would send the restores below to the link's target.
  std::error_code dir_ec;
  auto dir_type = fs::symlink_status(m_prompts, dir_ec).type();
  if (!dir_ec && dir_type != fs::file_type::not_found && dir_type != fs::file_type::directory) {
    InputTamper t;
    t.display = relative_display(m_root, m_prompts);
    t.change = core::TamperChange::changed;
    t.restored = remove_entry(m_prompts);  // a symlink itself, never its target (remove_all does not follow)
    found.push_back(std::move(t));
  }
  for (const auto& f : m_files) {
    std::optional<std::string> found_bytes;
    auto t = restore_file(f.path, f.display, f.bytes, &found_bytes);
    if (t) {
      t->saved_as = save(f.display, found_bytes);
      found.push_back(std::move(*t));
    }
  }
  // A prompt override that did not exist at the start would steer the next session it names.
  std::error_code ec;
  for (fs::directory_iterator it(m_prompts, ec), end; !ec && it != end; it.increment(ec)) {
    bool pinned = std::any_of(m_files.begin(), m_files.end(),
                              [&](const PinnedFile& f) { return f.path == it->path(); });
    if (pinned) {
      continue;
    }
    InputTamper t;
    t.display = relative_display(m_root, it->path());
    t.change = core::TamperChange::created;
    t.saved_as = save(t.display, on_disk(it->path()).bytes);
    t.restored = remove_entry(it->path());
    found.push_back(std::move(t));
  }
  return found;
}

}  // namespace simmer::run
