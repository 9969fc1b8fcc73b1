#include "project/prompter.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>

namespace simmer::project {

std::optional<std::string> StreamPrompter::read_line() {
  std::string line;
  if (!std::getline(m_in, line)) {
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return std::string(util::trim(line));
}

void StreamPrompter::say(const std::string& text) {
  m_out << text;
  if (!text.empty() && text.back() != '\n') {
    m_out << '\n';
  }
  m_out.flush();
}

std::optional<std::string> StreamPrompter::ask(const std::string& question, const std::string& default_value) {
  m_out << question << (default_value.empty() ? "" : fmt::format(" [{}]", default_value)) << ": ";
  m_out.flush();
  auto line = read_line();
  if (!line) {
    return std::nullopt;
  }
  return line->empty() ? default_value : *line;
}

std::optional<std::size_t> StreamPrompter::choose(const std::string& question, const std::vector<std::string>& options,
                                                  std::size_t default_index) {
  m_out << question << "\n";
  for (std::size_t i = 0; i < options.size(); ++i) {
    m_out << fmt::format("  {}) {}{}\n", i + 1, options[i], i == default_index ? "  (default)" : "");
  }
  for (;;) {
    m_out << fmt::format("Choice [{}]: ", default_index + 1);
    m_out.flush();
    auto line = read_line();
    if (!line) {
      return std::nullopt;
    }
    if (line->empty()) {
      return default_index;
    }
    // A number, or the beginning of an option's text ("thor" for "thorough: ...").
    try {
      std::size_t used = 0;
      const unsigned long n = std::stoul(*line, &used);
      if (used == line->size() && n >= 1 && n <= options.size()) {
        return static_cast<std::size_t>(n - 1);
      }
    } catch (const std::exception&) {
    }
    for (std::size_t i = 0; i < options.size(); ++i) {
      if (options[i].compare(0, line->size(), *line) == 0) {
        return i;
      }
    }
    m_out << fmt::format("Please enter a number from 1 to {}.\n", options.size());
  }
}

std::optional<bool> StreamPrompter::confirm(const std::string& question, bool default_yes) {
  for (;;) {
    m_out << question << (default_yes ? " [Y/n]: " : " [y/N]: ");
    m_out.flush();
    auto line = read_line();
    if (!line) {
      return std::nullopt;
    }
    if (line->empty()) {
      return default_yes;
    }
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>((*line)[0])));
    if (c == 'y') {
      return true;
    }
    if (c == 'n') {
      return false;
    }
    m_out << "Please answer y or n.\n";
  }
}

}  // namespace simmer::project
