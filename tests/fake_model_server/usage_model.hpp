#pragma once
// Usage the fake model server computes from the requests themselves (a scenario's "usageModel"), for the cost
// benchmark (bench/cost/): what a model service would bill for the bytes a CLI sends, with its prefix cache.
//
// The rule, stated once:
// - Tokens. A request is cut into blocks in the order the service reads them: each tool definition, each system
//   block, then each message's content blocks (a message whose content is a string is one text block). A block
//   counts ceil(bytes / bytesPerToken) tokens (default 4 bytes per token) of its compact JSON, with any
//   `cache_control` left out and the message's role counted in. An answer's output tokens are
//   ceil(bytes / bytesPerToken) of its content (text and tool calls), at least 1.
// - Cache (Anthropic's rule, simplified). A block that carries `cache_control` is a breakpoint: the prefix up to
//   and including it is written to the cache, unless it is shorter than minCacheTokens (default 1024). A request
//   reads from the cache the longest prefix, ending at any block, that an earlier request wrote. Tokens up to the
//   request's last breakpoint so written that were not read are cache writes; all others are plain input. Entries never
//   expire (a benchmark run is shorter than the service's 5-minute lifetime).
// - OpenAI Responses and Gemini requests (instructions/system, each tool, each input item or content) cache
//   every prefix automatically, as those services do, and report no cache writes.

#include "scenario.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
#include <string>

namespace fake {

// Reads a scenario's "usageModel": true, or an object {bytesPerToken, minCacheTokens, cache}; throws naming the
// bad field.
UsageModel parse_usage_model(const nlohmann::json& value);

// The prefix cache of one server. Not thread-safe: the server holds a lock around it.
class UsageMeter {
public:
  explicit UsageMeter(UsageModel model) : m_model(model) {}

  // The input side of a request of `api` ("anthropic", "openai", "gemini"); output is left 0.
  Usage input_usage(const std::string& api, const nlohmann::json& body);
  // Output tokens of an answer to `turn`.
  std::int64_t output_tokens(const Turn& turn) const;
  const UsageModel& model() const { return m_model; }

private:
  std::int64_t tokens_of(const std::string& bytes) const;

  UsageModel m_model;
  std::set<std::size_t> m_written;  // digests of the prefixes the cache holds
};

}  // namespace fake
