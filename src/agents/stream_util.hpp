#pragma once
// Small helpers the stream parsers share: tolerant field access on parsed JSON lines and short previews of tool
// inputs and outputs for the normalized stream.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace simmer::agents::detail {

// The line parsed as a JSON object, or a discarded value (is_discarded()) when it is not one. Never throws.
nlohmann::json parse_object(std::string_view line);

// j[key] as a string / integer / number / bool when it is one, else `fallback`. `j` may be any value.
std::string get_string(const nlohmann::json& j, std::string_view key, std::string fallback = {});
std::int64_t get_int(const nlohmann::json& j, std::string_view key, std::int64_t fallback = 0);
double get_number(const nlohmann::json& j, std::string_view key, double fallback = 0.0);
bool get_bool(const nlohmann::json& j, std::string_view key, bool fallback = false);
// j[key] when it exists and is an object / array, else a null value.
const nlohmann::json& get_object(const nlohmann::json& j, std::string_view key);
const nlohmann::json& get_array(const nlohmann::json& j, std::string_view key);

// At most `max` bytes of `text` on one line (newlines become spaces), cut on a UTF-8 boundary, "…" appended
// when cut.
std::string preview(std::string_view text, std::size_t max = 160);

// A one-line preview of a tool's input: the path, command or pattern it acts on when it names one, else its
// compact JSON.
std::string preview_tool_input(const nlohmann::json& input, std::size_t max = 160);

// `text` cut to at most `max` bytes on a UTF-8 boundary (no marker), for bounded stored fields.
std::string bounded(std::string_view text, std::size_t max);

// The last at most `max` bytes of `text`, starting on a UTF-8 boundary (no marker): the end of a tool's output.
std::string tail(std::string_view text, std::size_t max);

}  // namespace simmer::agents::detail
