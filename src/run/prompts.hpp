#pragma once
// Rendering the prompt of one agent session from a template: the built-in prompts/<workflow>/<name>.md (falling
// back to prompts/one-shot/), or the user's override .simmer/prompts/<name>.md. Placeholders are `{{key}}`;
// unknown keys are left as they are. Every built-in template carries `{{handoff_instructions}}` (the exact path
// of the file to write and its schema); an override without it gets the instructions appended and a warning.

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace simmer::run {

struct RenderedPrompt {
  std::string text;
  std::string source;   // "built-in prompts/one-shot/builder.md" or ".simmer/prompts/builder.md"
  std::string warning;  // non-empty when an override lacks {{handoff_instructions}}
};

// The most bytes one placeholder's value puts into a prompt: 256 KiB. Values come from files an agent or a
// person wrote (a verdict's evidence, a build summary, a task's guidance, feedback, gate output); one of them
// grown without bound would make the prompt, and every process that holds it, as big. A longer value is cut at a
// UTF-8 boundary and followed by a line naming how much was left out and the file that still has all of it.
inline constexpr std::size_t k_max_prompt_value_bytes = 256 * 1024;

// `value` as it goes into a prompt for placeholder `key`: itself when it fits k_max_prompt_value_bytes, else its
// head and the "[simmer: ... cut ...]" line (see above). Pure.
std::string bound_prompt_value(const std::string& key, const std::string& value);

// `name`: orchestrator | builder | fix | verifier | repair. `values` fills the placeholders; the caller gives
// handoff_path, handoff_schema and handoff_binding, from which handoff_instructions is rendered (prompts/handoff.md).
// `override_text` is the text of .simmer/prompts/<name>.md as the run pinned it (run/inputs.hpp), nullopt for
// none: the prompt is never read from the disk here, where an agent could have changed it. Every value passes
// through bound_prompt_value() first.
RenderedPrompt render_prompt(const std::optional<std::string>& override_text, const std::string& workflow,
                             const std::string& name, std::map<std::string, std::string> values);

// A hand-off schema as a prompt carries it: the same constraints on one line, without what only a person or an
// editor reads (`$schema`, `$id`, `title`, `$comment`, `examples`, `default`, the root's `description`) and without
// the `description` of a node that has a `const` (the value says it all). Every other `description` stays: "0 for
// the build, n for the n-th fix" is what an agent needs to fill `attempt`. Text that is not a JSON object is
// returned as it is. Pure.
std::string compact_schema(const std::string& schema_text);

// Replaces every `{{key}}` of `values` in `text`. Pure.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& values);

}  // namespace simmer::run
