// Implementation notes: globs are matched and intersected on two levels, segments (split at `/`, `**` a
// wildcard over segments) and characters within one segment (`*` a wildcard over characters, `?` one
// character). Matching uses the classic greedy wildcard walk at both levels (backtrack to the last star), which is
// correct for any pattern of stars and one-element matchers and takes O(n*m). The overlap of two globs is the
// emptiness of the intersection of two regular languages: a breadth-first search over pairs of positions (one in
// each glob), at the segment level, where a joint step needs one segment both segment patterns accept, found by
// the same search at the character level. Each search visits every pair at most once, so the cost is bounded by
// the product of the lengths at each level, and the path of the search is the example it returns.
//
// The scheduler is a single pass over the runnable stories in pick order; everything it compares is sorted first
// (running lanes by story id), so the plan depends on the input's content only.

#include "core/lanes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <set>

namespace simmer::core {
namespace {

// ---- characters and tokens -------------------------------------------------------------------------------------

// Length of the character at `i`: a whole UTF-8 sequence, or 1 for a byte that does not start a valid one.
std::size_t char_length(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  std::size_t n = 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
  }
  if (i + n > s.size()) {
    return 1;
  }
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
      return 1;
    }
  }
  return n;
}

std::vector<std::string_view> characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = char_length(s, i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

enum class TokenKind { literal, one, star };

struct Token {
  TokenKind kind = TokenKind::literal;
  std::string_view text;  // literal: the character
};

// A segment pattern as tokens; a run of stars is one star (same language, shorter searches).
std::vector<Token> tokenize(std::string_view segment) {
  std::vector<Token> out;
  for (std::string_view c : characters(segment)) {
    if (c == "*") {
      if (out.empty() || out.back().kind != TokenKind::star) {
        out.push_back({TokenKind::star, {}});
      }
    } else if (c == "?") {
      out.push_back({TokenKind::one, {}});
    } else {
      out.push_back({TokenKind::literal, c});
    }
  }
  return out;
}

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(start));
      return out;
    }
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

struct Segment {
  bool any_depth = false;  // `**`
  std::vector<Token> tokens;
};

std::vector<Segment> parse_glob(std::string_view pattern) {
  std::vector<Segment> out;
  for (std::string_view s : split_segments(pattern)) {
    if (s == "**") {
      out.push_back({true, {}});
    } else {
      out.push_back({false, tokenize(s)});
    }
  }
  return out;
}

// ---- matching --------------------------------------------------------------------------------------------------

// The greedy wildcard walk: `is_star(p)` for a pattern element, `unit(p, t)` whether a non-star element accepts
// one text element.
template <class IsStar, class Unit>
bool wildcard_match(std::size_t pattern_size, std::size_t text_size, IsStar is_star, Unit unit) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::optional<std::size_t> star;
  std::size_t star_text = 0;
  while (t < text_size) {
    if (p < pattern_size && is_star(p)) {
      star = p++;
      star_text = t;
    } else if (p < pattern_size && unit(p, t)) {
      ++p;
      ++t;
    } else if (star) {
      p = *star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern_size && is_star(p)) {
    ++p;
  }
  return p == pattern_size;
}

bool segment_match(const std::vector<Token>& tokens, std::string_view segment) {
  const auto chars = characters(segment);
  return wildcard_match(
      tokens.size(), chars.size(), [&](std::size_t p) { return tokens[p].kind == TokenKind::star; },
      [&](std::size_t p, std::size_t t) { return tokens[p].kind == TokenKind::one || tokens[p].text == chars[t]; });
}

// ---- intersection ----------------------------------------------------------------------------------------------

// Breadth-first search over (i, j) in [0, n] x [0, m] from (0, 0) to (n, m). `moves(i, j, emit)` calls
// emit(next_i, next_j, piece) for each move out of (i, j); the pieces along the path found are returned in order.
template <class Moves>
std::optional<std::vector<std::string>> search_pairs(std::size_t n, std::size_t m, Moves moves) {
  const std::size_t width = m + 1;
  struct Visit {
    bool seen = false;
    std::size_t parent = 0;
    std::string piece;
    bool has_piece = false;
  };
  std::vector<Visit> visits((n + 1) * width);
  std::deque<std::size_t> queue{0};
  visits[0].seen = true;
  const std::size_t goal = n * width + m;
  while (!queue.empty()) {
    const std::size_t at = queue.front();
    queue.pop_front();
    if (at == goal) {
      std::vector<std::string> pieces;
      for (std::size_t k = at; k != 0; k = visits[k].parent) {
        if (visits[k].has_piece) {
          pieces.push_back(visits[k].piece);
        }
      }
      std::reverse(pieces.begin(), pieces.end());
      return pieces;
    }
    moves(at / width, at % width, [&](std::size_t i, std::size_t j, const std::optional<std::string>& piece) {
      const std::size_t next = i * width + j;
      if (visits[next].seen) {
        return;
      }
      visits[next] = Visit{true, at, piece.value_or(""), piece.has_value()};
      queue.push_back(next);
    });
  }
  return std::nullopt;
}

std::string one_char_of(const Token& t) { return t.kind == TokenKind::literal ? std::string(t.text) : "x"; }

// A segment both token lists accept, never empty (a path has no empty segment), or nothing.
std::optional<std::string> segment_intersection(const std::vector<Token>& a, const std::vector<Token>& b) {
  auto found = search_pairs(a.size(), b.size(), [&](std::size_t i, std::size_t j, auto emit) {
    const bool a_star = i < a.size() && a[i].kind == TokenKind::star;
    const bool b_star = j < b.size() && b[j].kind == TokenKind::star;
    if (a_star) {
      emit(i + 1, j, std::nullopt);
    }
    if (b_star) {
      emit(i, j + 1, std::nullopt);
    }
    if (i == a.size() || j == b.size()) {
      return;
    }
    if (a_star && b_star) {
      // Both stars take the same "x" and end: the examples read as names ("x.rs"), not as dotfiles (".rs").
      emit(i + 1, j + 1, std::string("x"));
    } else if (a_star) {
      emit(i, j + 1, one_char_of(b[j]));
    } else if (b_star) {
      emit(i + 1, j, one_char_of(a[i]));
    } else {
      if (a[i].kind == TokenKind::literal && b[j].kind == TokenKind::literal) {
        if (a[i].text == b[j].text) {
          emit(i + 1, j + 1, std::string(a[i].text));
        }
      } else {
        emit(i + 1, j + 1, a[i].kind == TokenKind::literal ? one_char_of(a[i]) : one_char_of(b[j]));
      }
    }
  });
  if (!found) {
    return std::nullopt;
  }
  std::string out;
  for (const auto& piece : *found) {
    out += piece;
  }
  // Only two all-star patterns meet on the empty string, and they accept any segment.
  return out.empty() ? "x" : out;
}

// A segment this token list accepts: every wildcard is "x" (so `*.rs` gives "x.rs", a name, not ".rs").
std::string segment_example(const std::vector<Token>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    out += one_char_of(t);
  }
  return out;
}

std::optional<std::string> glob_intersection(std::string_view a_text, std::string_view b_text) {
  const auto a = parse_glob(a_text);
  const auto b = parse_glob(b_text);
  auto found = search_pairs(a.size(), b.size(), [&](std::size_t i, std::size_t j, auto emit) {
    const bool a_deep = i < a.size() && a[i].any_depth;
    const bool b_deep = j < b.size() && b[j].any_depth;
    if (a_deep) {
      emit(i + 1, j, std::nullopt);
    }
    if (b_deep) {
      emit(i, j + 1, std::nullopt);
    }
    if (i == a.size() || j == b.size()) {
      return;
    }
    if (a_deep && b_deep) {
      // Both take the same segment "x" and end: "src/api/x" says more than "src/api".
      emit(i + 1, j + 1, std::string("x"));
    } else if (a_deep) {
      emit(i, j + 1, segment_example(b[j].tokens));
    } else if (b_deep) {
      emit(i + 1, j, segment_example(a[i].tokens));
    } else {
      if (auto segment = segment_intersection(a[i].tokens, b[j].tokens)) {
        emit(i + 1, j + 1, *segment);
      }
    }
  });
  if (!found) {
    return std::nullopt;
  }
  std::string out;
  for (const auto& segment : *found) {
    out += (out.empty() ? "" : "/") + segment;
  }
  // Only two globs of `**` segments alone meet on no segment at all, and they match every path.
  return out.empty() ? "x" : out;
}

// ---- scheduling ------------------------------------------------------------------------------------------------

bool declares(const std::optional<std::vector<std::string>>& touches) { return touches && !touches->empty(); }

struct WriteEntry {
  std::string pattern;
  WriteSource source = WriteSource::declared;
};

// A lane's write set: its touches (an undeclared lane that runs alone: everything), then its diff's paths.
std::vector<WriteEntry> write_set(const RunningLane& lane, UntouchedStories untouched) {
  std::vector<WriteEntry> out;
  if (declares(lane.touches)) {
    for (const auto& g : *lane.touches) {
      out.push_back({g, WriteSource::declared});
    }
  } else if (untouched == UntouchedStories::run_alone) {
    out.push_back({"**", WriteSource::declared});
  }
  for (const auto& p : lane.touched) {
    out.push_back({p, WriteSource::touched});
  }
  return out;
}

// Whether a glob may write what an entry names, and a path both could write.
std::optional<std::string> meets(std::string_view glob, const WriteEntry& entry) {
  if (entry.source == WriteSource::touched) {
    return glob_match(glob, entry.pattern) ? std::optional<std::string>(entry.pattern) : std::nullopt;
  }
  if (!glob_error(glob).empty() || !glob_error(entry.pattern).empty()) {
    return std::string();  // an invalid glob is assumed to overlap, with no example to give
  }
  return glob_intersection(glob, entry.pattern);
}

// One lane the candidate is compared with: a running one or one this plan starts.
struct Busy {
  std::string id;
  OtherLane lane = OtherLane::running;
  bool alone = false;  // runs alone (undeclared, run_alone)
  std::vector<WriteEntry> writes;
};

bool pick_before(const LaneStory& a, const LaneStory& b) {
  return a.priority != b.priority ? a.priority < b.priority : a.id < b.id;
}

}  // namespace

std::string glob_error(std::string_view pattern) {
  if (pattern.empty()) {
    return "is empty";
  }
  for (const char c : pattern) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return "holds a control character";
    }
  }
  if (pattern.find('\\') != std::string_view::npos) {
    return "holds a backslash (segments are separated by \"/\", and nothing is escaped)";
  }
  if (pattern.front() == '/') {
    return "starts with \"/\" (paths are relative to the repository root)";
  }
  for (std::string_view s : split_segments(pattern)) {
    if (s.empty()) {
      return "has an empty segment";
    }
    if (s == ".") {
      return "has a \".\" segment (write the path without it)";
    }
    if (s == "..") {
      return "has a \"..\" segment (a glob cannot leave the repository)";
    }
    if (s != "**" && s.find("**") != std::string_view::npos) {
      return fmt::format("has \"**\" inside the segment \"{}\" (\"**\" must be a whole segment)", s);
    }
  }
  return {};
}

bool glob_match(std::string_view pattern, std::string_view path) {
  const auto glob = parse_glob(pattern);
  const auto segments = split_segments(path);
  return wildcard_match(
      glob.size(), segments.size(), [&](std::size_t p) { return glob[p].any_depth; },
      [&](std::size_t p, std::size_t t) { return segment_match(glob[p].tokens, segments[t]); });
}

std::optional<std::string> glob_overlap_example(std::string_view a, std::string_view b) {
  if (!glob_error(a).empty() || !glob_error(b).empty()) {
    return std::nullopt;
  }
  return glob_intersection(a, b);
}

bool globs_may_overlap(std::string_view a, std::string_view b) {
  if (!glob_error(a).empty() || !glob_error(b).empty()) {
    return true;
  }
  return glob_intersection(a, b).has_value();
}

std::string_view to_string(DeferReason reason) {
  switch (reason) {
    case DeferReason::lanes_full:
      return "lanes_full";
    case DeferReason::waits_for_alone:
      return "waits_for_alone";
    case DeferReason::held_for_alone:
      return "held_for_alone";
    case DeferReason::session_cap:
      return "session_cap";
    case DeferReason::runs_alone:
      return "runs_alone";
    case DeferReason::overlaps:
      return "overlaps";
    case DeferReason::serial:
      return "serial";
  }
  return "lanes_full";
}

std::string_view to_string(DependencyWait wait) {
  switch (wait) {
    case DependencyWait::pending:
      return "pending";
    case DependencyWait::blocked:
      return "blocked";
    case DependencyWait::missing:
      return "missing";
    case DependencyWait::not_merged:
      return "not_merged";
  }
  return "pending";
}

std::string describe(const Deferral& d) {
  const std::string other_story = fmt::format("{} story {}",
                                              d.other_lane == OtherLane::running ? "running" : "starting", d.other);
  const std::string theirs = d.other_source == WriteSource::declared
                                 ? fmt::format("\"{}\" of {}", d.other_pattern, other_story)
                                 : fmt::format("{}, which {}'s diff touched", d.other_pattern, other_story);
  switch (d.reason) {
    case DeferReason::lanes_full:
      return fmt::format("all {} lanes are busy", d.limit);
    case DeferReason::waits_for_alone:
      return fmt::format("{} has no touches and runs alone: nothing starts beside it", other_story);
    case DeferReason::held_for_alone:
      return fmt::format("story {} has no touches and waits to run alone: later stories wait with it", d.other);
    case DeferReason::session_cap:
      return fmt::format("agent \"{}\" has {} live sessions, its cap", d.other, d.limit);
    case DeferReason::runs_alone: {
      std::string list;
      for (const auto& id : d.busy) {
        list += (list.empty() ? "" : ", ") + id;
      }
      return fmt::format("it has no touches, so it runs alone: it waits for {} to finish", list);
    }
    case DeferReason::overlaps:
      if (d.other_source == WriteSource::touched) {
        return fmt::format("its glob \"{}\" matches {}", d.glob, theirs);
      }
      return d.example.empty()
                 ? fmt::format("its glob \"{}\" may overlap {}", d.glob, theirs)
                 : fmt::format("its glob \"{}\" overlaps {} (both could write {})", d.glob, theirs, d.example);
    case DeferReason::serial:
      return fmt::format("its glob \"{}\" and {} both touch the serial glob \"{}\"", d.glob, theirs, d.serial_glob);
  }
  return {};
}

LanePlan plan_lanes(const LaneInput& input) {
  const LaneLimits& limits = input.limits;
  const bool alone_mode = limits.untouched == UntouchedStories::run_alone;

  std::map<std::string, const LaneStory*> by_id;
  for (const auto& s : input.stories) {
    by_id.emplace(s.id, &s);
  }
  const std::set<std::string> merged(input.merged.begin(), input.merged.end());

  // Running lanes by story id (one per id), so the plan does not depend on the order they were given in.
  std::map<std::string, const RunningLane*> running_by_id;
  for (const auto& lane : input.running) {
    running_by_id.emplace(lane.story_id, &lane);
  }
  std::vector<Busy> busy;
  std::map<std::string, int> live;
  for (const auto& [id, lane] : running_by_id) {
    busy.push_back(
        {id, OtherLane::running, alone_mode && !declares(lane->touches), write_set(*lane, limits.untouched)});
    if (!lane->session_agent.empty()) {
      ++live[lane->session_agent];
    }
  }
  // Lanes hold a story each whatever their session does; the count is of lanes, not of distinct ids, so a
  // duplicated running entry still takes its lane.
  int lanes_busy = static_cast<int>(input.running.size());

  std::vector<const LaneStory*> order;
  for (const auto& [id, story] : by_id) {
    if (story->status == StoryStatus::pending && running_by_id.count(id) == 0) {
      order.push_back(story);
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const LaneStory* a, const LaneStory* b) { return pick_before(*a, *b); });

  LanePlan plan;
  std::optional<std::string> holding;  // an undeclared story that waits to run alone
  for (const LaneStory* story : order) {
    // Runnable first: a story whose dependency is not passed and merged waits for it, whatever the lanes do.
    std::optional<Waiting> waiting;
    for (const auto& dep : story->dependencies) {
      auto it = by_id.find(dep);
      if (it == by_id.end()) {
        waiting = Waiting{story->id, dep, DependencyWait::missing};
      } else if (it->second->status == StoryStatus::blocked) {
        waiting = Waiting{story->id, dep, DependencyWait::blocked};
      } else if (it->second->status == StoryStatus::pending) {
        waiting = Waiting{story->id, dep, DependencyWait::pending};
      } else if (merged.count(dep) == 0) {
        waiting = Waiting{story->id, dep, DependencyWait::not_merged};
      }
      if (waiting) {
        break;
      }
    }
    if (waiting) {
      plan.waiting.push_back(*waiting);
      continue;
    }

    const bool undeclared = !declares(story->touches);
    const bool alone = alone_mode && undeclared;
    Deferral d;
    d.story_id = story->id;
    auto defer = [&](Deferral deferral) {
      if (alone && !holding) {
        holding = story->id;
      }
      plan.deferred.push_back(std::move(deferral));
    };

    if (lanes_busy >= limits.lanes) {
      d.reason = DeferReason::lanes_full;
      d.limit = limits.lanes;
      defer(d);
      continue;
    }
    if (auto it = std::find_if(busy.begin(), busy.end(), [](const Busy& b) { return b.alone; }); it != busy.end()) {
      d.reason = DeferReason::waits_for_alone;
      d.other = it->id;
      d.other_lane = it->lane;
      defer(d);
      continue;
    }
    if (holding) {
      d.reason = DeferReason::held_for_alone;
      d.other = *holding;
      defer(d);
      continue;
    }
    if (auto cap = limits.agent_sessions.find(story->agent);
        cap != limits.agent_sessions.end() && live[story->agent] >= cap->second) {
      d.reason = DeferReason::session_cap;
      d.other = story->agent;
      d.limit = cap->second;
      defer(d);
      continue;
    }
    if (alone && !busy.empty()) {
      d.reason = DeferReason::runs_alone;
      for (const auto& b : busy) {
        d.busy.push_back(b.id);
      }
      defer(d);
      continue;
    }

    const std::vector<std::string> none;
    const std::vector<std::string>& globs = undeclared ? none : *story->touches;
    bool deferred = false;
    for (const auto& b : busy) {
      for (const auto& g : globs) {
        for (const auto& w : b.writes) {
          if (auto example = meets(g, w)) {
            d.reason = DeferReason::overlaps;
            d.other = b.id;
            d.other_lane = b.lane;
            d.glob = g;
            d.other_pattern = w.pattern;
            d.other_source = w.source;
            d.example = *example;
            deferred = true;
            break;
          }
        }
        if (deferred) {
          break;
        }
      }
      if (deferred) {
        break;
      }
    }
    for (std::size_t k = 0; !deferred && k < busy.size(); ++k) {
      const Busy& b = busy[k];
      for (const auto& s : limits.serial_globs) {
        auto mine = std::find_if(globs.begin(), globs.end(),
                                 [&](const std::string& g) { return globs_may_overlap(g, s); });
        auto theirs = std::find_if(b.writes.begin(), b.writes.end(),
                                   [&](const WriteEntry& w) { return meets(s, w).has_value(); });
        if (mine != globs.end() && theirs != b.writes.end()) {
          d.reason = DeferReason::serial;
          d.other = b.id;
          d.other_lane = b.lane;
          d.glob = *mine;
          d.other_pattern = theirs->pattern;
          d.other_source = theirs->source;
          d.serial_glob = s;
          deferred = true;
          break;
        }
      }
    }
    if (deferred) {
      defer(d);
      continue;
    }

    plan.start.push_back(story->id);
    ++lanes_busy;
    ++live[story->agent];
    std::vector<WriteEntry> writes;
    for (const auto& g : globs) {
      writes.push_back({g, WriteSource::declared});
    }
    busy.push_back({story->id, OtherLane::starting, alone, std::move(writes)});
  }
  return plan;
}

std::vector<Stray> strayed_into(const RunningLane& lane, const std::vector<RunningLane>& others,
                                const std::vector<std::string>& serial_globs, UntouchedStories untouched) {
  std::set<std::string> outside;
  for (const auto& path : lane.touched) {
    const bool inside = declares(lane.touches) &&
                        std::any_of(lane.touches->begin(), lane.touches->end(),
                                    [&](const std::string& g) { return glob_match(g, path); });
    if (!inside) {
      outside.insert(path);
    }
  }
  std::map<std::string, const RunningLane*> by_id;
  for (const auto& other : others) {
    if (other.story_id != lane.story_id) {
      by_id.emplace(other.story_id, &other);
    }
  }
  std::vector<Stray> out;
  for (const auto& path : outside) {
    for (const auto& [id, other] : by_id) {
      const auto writes = write_set(*other, untouched);
      std::optional<Stray> hit;
      for (const auto& w : writes) {
        const bool match = w.source == WriteSource::declared ? glob_match(w.pattern, path) : w.pattern == path;
        if (match) {
          hit = Stray{path, id, w.pattern, w.source, false};
          break;
        }
      }
      for (std::size_t k = 0; !hit && k < serial_globs.size(); ++k) {
        const std::string& s = serial_globs[k];
        if (glob_match(s, path) &&
            std::any_of(writes.begin(), writes.end(), [&](const WriteEntry& w) { return meets(s, w).has_value(); })) {
          hit = Stray{path, id, s, WriteSource::declared, true};
        }
      }
      if (hit) {
        out.push_back(std::move(*hit));
      }
    }
  }
  return out;
}

std::vector<std::string> bounded_write_set(std::vector<std::string> paths, std::size_t limit) {
  if (paths.size() <= limit) {
    return paths;
  }
  std::set<std::string> top;
  for (const auto& path : paths) {
    const auto slash = path.find('/');
    top.insert(slash == std::string::npos ? path : path.substr(0, slash) + "/**");
  }
  return top.size() > limit ? std::vector<std::string>{"**"} : std::vector<std::string>(top.begin(), top.end());
}

}  // namespace simmer::core
