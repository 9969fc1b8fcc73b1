#!/usr/bin/env bash
# The fake model server's usage model (tests/fake_model_server/usage_model.hpp), which the cost benchmark
# (bench/cost/) bills by: tokens from each block's bytes, and a prefix cache written at `cache_control`
# breakpoints and read up to the longest prefix an earlier request wrote. Each figure is computed here from the
# request's own blocks, independently of the server's code, and checked to the token, over real HTTP.
source "$(dirname "$0")/lib.sh"
FAKE_SERVER="$SIMMER_BUILD_DIR/tests/fake_model_server"
[ -x "$FAKE_SERVER" ] || fail "fake model server not built: $FAKE_SERVER"

# A scenario with no conversation: every request gets the server's "done", with computed usage.
echo '{"conversations": [], "usageModel": {"bytesPerToken": 4, "minCacheTokens": 50}}' > "$work/scenario.json"
"$FAKE_SERVER" --scenario "$work/scenario.json" --log "$work/log.jsonl" > "$work/port" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(head -1 "$work/port")
[ -n "$port" ] || fail "fake model server did not start"

# tokens <json>: ceil(bytes/4) of the compact JSON with sorted keys (nlohmann's dump of a parsed object).
tokens() { local n; n=$(jq -S -c . <<<"$1" | tr -d '\n' | wc -c); echo $(((n + 3) / 4)); }
# usage_of <body>: POSTs an Anthropic request, returns the answer's usage as "input output cacheRead cacheWrite".
usage_of() {
  curl -sf "http://127.0.0.1:$port/v1/messages" -H 'content-type: application/json' -d "$1" |
    jq -r '.usage | "\(.input_tokens) \(.output_tokens) \(.cache_read_input_tokens) \(.cache_creation_input_tokens)"'
}
expect() { [ "$2" = "$3" ] || fail "$1: expected '$3', got '$2'"; }

long=$(printf 'x%.0s' $(seq 1 400))
tool='{"description":"Reads a file '"$long"'","input_schema":{"type":"object"},"name":"Read"}'
system='{"cache_control":{"type":"ephemeral"},"text":"You are a test. '"$long"'","type":"text"}'
system_clean=$(jq -c 'del(.cache_control)' <<<"$system")
msg() { jq -c -n --arg t "$1" --argjson cc "$2" '{role: "user", content: [{type: "text", text: $t} +
  (if $cc then {cache_control: {type: "ephemeral"}} else {} end)]}'; }
block() { jq -c -n --arg r "$1" --arg t "$2" '{block: {type: "text", text: $t}, role: $r}'; }
request() { jq -c -n --argjson tools "[$tool]" --argjson system "[$system]" --argjson m "[$1]" \
  '{model: "m", max_tokens: 10, stream: false, tools: $tools, system: $system, messages: $m}'; }

t_tool=$(tokens "$tool")
t_system=$(tokens "$system_clean")
t_hello=$(tokens "$(block user hello)")
# The answer ("done") costs ceil(4/4) = 1 output token.

# 1. A first request: nothing to read; the prefix through the last breakpoint (the message) is written.
read -r i o r w <<<"$(usage_of "$(request "$(msg hello true)")")"
expect "first request: cache read" "$r" 0
expect "first request: cache write" "$w" $((t_tool + t_system + t_hello))
expect "first request: input" "$i" 0
expect "first request: output" "$o" 1

# 2. The same conversation one turn on: all of the first request is read; the new turn is written.
turn2="$(msg hello false),{\"role\":\"assistant\",\"content\":\"done\"},$(msg again true)"
read -r i o r w <<<"$(usage_of "$(request "$turn2")")"
expect "second turn: cache read" "$r" $((t_tool + t_system + t_hello))
expect "second turn: cache write" "$w" $(($(tokens "$(block assistant done)") + $(tokens "$(block user again)")))
expect "second turn: input" "$i" 0

# 3. Another session with the same tools and system prompt: the system breakpoint's prefix is read, the
#    rest written; a message after the last breakpoint is plain input.
read -r i o r w <<<"$(usage_of "$(request "$(msg other true),$(msg tail false)")")"
expect "same prefix: cache read" "$r" $((t_tool + t_system))
expect "same prefix: cache write" "$w" "$(tokens "$(block user other)")"
expect "same prefix: input" "$i" "$(tokens "$(block user tail)")"

# 4. A different tool set changes the first block: nothing is read.
tool='{"description":"Writes a file '"$long"'","input_schema":{"type":"object"},"name":"Write"}'
read -r i o r w <<<"$(usage_of "$(request "$(msg hello true)")")"
expect "other tools: cache read" "$r" 0

# 5. A breakpoint whose prefix is under minCacheTokens (50) writes nothing, and is never read.
small='{"model":"m","max_tokens":10,"stream":false,"tools":[{"name":"T","input_schema":{}}],"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}'
read -r i o r w <<<"$(usage_of "$small")"
expect "under the minimum: cache write" "$w" 0
read -r i o r w <<<"$(usage_of "$small")"
expect "under the minimum: cache read" "$r" 0
expect "under the minimum: input" "$i" $(($(tokens '{"name":"T","input_schema":{}}') + $(tokens "$(block user hi)")))

# 6. OpenAI Responses: automatic caching, no writes; input_tokens counts the cached ones too.
openai='{"model":"m","instructions":"'"$long"'","tools":[{"type":"function","name":"shell"}],"input":[{"role":"user","content":"hi"}]}'
curl -sf "http://127.0.0.1:$port/v1/responses" -H 'content-type: application/json' -d "$openai" > /dev/null
second=$(curl -sf "http://127.0.0.1:$port/v1/responses" -H 'content-type: application/json' -d "$openai" |
  grep '"response.completed"' | sed 's/^data: //' | jq -c '.response.usage')
total=$(($(tokens "\"$long\"") + $(tokens '{"type":"function","name":"shell"}') + $(tokens '{"role":"user","content":"hi"}')))
expect "openai: usage" "$(jq -c '[.input_tokens, .input_tokens_details.cached_tokens]' <<<"$second")" "[$total,$total]"

# The log carries each answer's usage, as the benchmark sums it.
expect "logged usages" "$(jq -s 'map(select(.usage)) | length' "$work/log.jsonl")" 8
expect "logged first usage" "$(jq -s -c '.[0].usage' "$work/log.jsonl")" \
  "{\"cacheRead\":0,\"cacheWrite\":$((t_tool + t_system + t_hello)),\"input\":0,\"output\":1}"

# A malformed usage model is refused, naming the field.
echo '{"conversations": [], "usageModel": {"bytesPerToken": 0}}' > "$work/bad.json"
if "$FAKE_SERVER" --scenario "$work/bad.json" --log /dev/null > /dev/null 2> "$work/err"; then
  fail "a zero bytesPerToken was accepted"
fi
grep -q '"usageModel"/bytesPerToken' "$work/err" || fail "the refusal does not name the field: $(cat "$work/err")"
echo "ok: the fake model server bills tokens and prefix-cache reads and writes by its stated rule"
