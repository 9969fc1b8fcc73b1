#pragma once
// A small unified diff, for showing what `init` would change in a file before asking.

#include <string>

namespace simmer::project {

// Unified diff (3 lines of context, `--- a/<label>` / `+++ b/<label>` header) turning `before` into `after`.
// Empty string when they are equal. Lines are compared exactly; a missing final newline is shown as a change.
std::string unified_diff(const std::string& before, const std::string& after, const std::string& label);

}  // namespace simmer::project
