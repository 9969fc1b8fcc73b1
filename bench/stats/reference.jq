# The jq reference for the stats benchmark: the same totals as reference.mjs, with jq -nR (raw lines, so a torn
# or garbage line is counted instead of stopping jq). Usage: jq -nR -f reference.jq events.jsonl
def add_to($k; $v): .[$k] = ((.[$k] // 0) + $v);
reduce (inputs | select(test("\\S"))) as $line (
  {read: 0, malformed: 0, events: 0, sessions: 0, costUsd: 0, models: {}, stories: {},
   tokens: {input: 0, output: 0, cacheRead: 0, cacheWrite: 0}, storiesPassed: 0, storiesBlocked: 0,
   iterations: 0, fixes: 0, gateRuns: 0, gatesPassed: 0, verdicts: 0, rejected: 0};
  .read += 1
  | (try ($line | fromjson) catch null) as $e
  | if ($e | type) != "object" or (($e.seq | type) != "number") or (($e.kind | type) != "string")
    then .malformed += 1
    else .events += 1
      | ($e.data // {}) as $d
      | if $e.kind == "session" then
          .sessions += 1 | .costUsd += ($d.costUsd // 0)
          | .models |= add_to($d.model // "unknown"; 1)
          | (if $d.storyId then .stories |= add_to($d.storyId; 1) else . end)
          | .tokens.input += ($d.tokens.input // 0) | .tokens.output += ($d.tokens.output // 0)
          | .tokens.cacheRead += ($d.tokens.cacheRead // 0) | .tokens.cacheWrite += ($d.tokens.cacheWrite // 0)
        elif $e.kind == "phase_started" and $d.phase == "fix" then .fixes += 1
        elif $e.kind == "story_selected" then .iterations += 1
        elif $e.kind == "gate" then .gateRuns += 1 | (if $d.passed == true then .gatesPassed += 1 else . end)
        elif $e.kind == "verdict" then .verdicts += 1
          | (if $d.verdict == "fail_retry" or $d.verdict == "fail_abort" then .rejected += 1 else . end)
        elif $e.kind == "story_passed" then .storiesPassed += 1
        elif $e.kind == "story_blocked" then .storiesBlocked += 1
        else . end
    end)
| .costUsd = ((.costUsd * 1000000 | round) / 1000000) | .models = (.models | length) | .stories = (.stories | length)
