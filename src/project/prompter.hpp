#pragma once
// The wizard's questions, behind an interface so the flow is tested with scripted answers and run on a terminal.

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace simmer::project {

class Prompter {
public:
  virtual ~Prompter() = default;
  // A free-text answer; Enter returns `default_value`. Nothing when input ended.
  virtual std::optional<std::string> ask(const std::string& question, const std::string& default_value) = 0;
  // One of `options` by number (1-based on screen); Enter returns `default_index`. Invalid input asks again.
  // Nothing when input ended.
  virtual std::optional<std::size_t> choose(const std::string& question, const std::vector<std::string>& options,
                                            std::size_t default_index) = 0;
  // Yes or no; Enter returns `default_yes`. Nothing when input ended.
  virtual std::optional<bool> confirm(const std::string& question, bool default_yes) = 0;
  // Text shown to the person (headings, diffs), not a question.
  virtual void say(const std::string& text) = 0;
};

// Reads answers line by line from `in`, writes questions to `out` (a terminal or a pipe: the same dialogue).
class StreamPrompter : public Prompter {
public:
  StreamPrompter(std::istream& in, std::ostream& out) : m_in(in), m_out(out) {}
  std::optional<std::string> ask(const std::string& question, const std::string& default_value) override;
  std::optional<std::size_t> choose(const std::string& question, const std::vector<std::string>& options,
                                    std::size_t default_index) override;
  std::optional<bool> confirm(const std::string& question, bool default_yes) override;
  void say(const std::string& text) override;

private:
  std::optional<std::string> read_line();
  std::istream& m_in;
  std::ostream& m_out;
};

}  // namespace simmer::project
