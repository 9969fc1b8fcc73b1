#pragma once
// The text `simmer stats` prints without --json: the figures of a core::StatsReport as aligned lines for a
// person. Presentation only (the figures are core/stats's); the JSON form is core::stats_to_json.

#include "core/stats.hpp"

#include <string>

namespace simmer::cli {

// Whether the text carries ANSI colours: `with_color` only on a terminal without NO_COLOR (the caller decides).
enum class TextColor { plain, with_color };

// The report as aligned text, one line per figure (labels in a 12-column gutter, bold with colour), each line
// ending in "\n". Missing ratios read "n/a", empty cost lists "-", an empty name "(none)".
std::string stats_to_text(const core::StatsReport& report, TextColor color);

}  // namespace simmer::cli
