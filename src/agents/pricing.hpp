#pragma once
// The price table: what a million tokens cost per model, for CLIs that report tokens but no cost (Codex, Gemini,
// command agents) so that budgets hold whatever the agent. Built-in list prices, overridable per model under
// `pricing` in simmer.json:
//   "pricing": { "gpt-5-codex": { "input": 1.25, "output": 10, "cacheRead": 0.125, "cacheWrite": 0 } }

#include "agents/agent.hpp"
#include "util/error.hpp"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace simmer::agents {

using PriceTable = std::map<std::string, ModelPrice>;

// The built-in table (USD per million tokens, public list prices when this version was written).
const PriceTable& builtin_prices();

// Parses the `pricing` object of simmer.json: model id -> {input, output, cacheRead, cacheWrite} (each a
// non-negative number; a missing one is 0). A null or absent value gives an empty table. A malformed entry fails
// with a message naming its JSON pointer, e.g. "pricing (simmer.json#/pricing/gpt-5/input): expected a
// non-negative number, found "x"".
Result<PriceTable> parse_pricing(const nlohmann::json& pricing);

// The price of `model`: `overrides` first, then the built-in table; in each, an exact key wins over the longest
// key that is a prefix of the model id ("claude-sonnet-4" prices "claude-sonnet-4-5-20250929"). Nothing when no
// key matches or the model is empty.
std::optional<ModelPrice> find_price(const PriceTable& overrides, std::string_view model);

// tokens times price, in USD.
double cost_usd(const ModelPrice& price, const Tokens& tokens);

}  // namespace simmer::agents
