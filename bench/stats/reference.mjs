// The JavaScript reference for the stats benchmark: the totals `simmer stats --all --json` reports, computed the
// way a Bun program (marmite's runtime) would, streaming the file line by line with JSON.parse.
// Usage: bun reference.mjs <events.jsonl>   (node works too). Prints one JSON object.
import { createReadStream } from "node:fs";

const path = process.argv[2];
const t = {
  lines: 0, malformed: 0, events: 0, sessions: 0, costUsd: 0, costByModel: {}, costByRole: {}, costByStory: {},
  tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, storiesPassed: 0, storiesBlocked: 0,
  iterations: 0, fixes: 0, gateRuns: 0, gatesPassed: 0, verdicts: 0, rejected: 0, phases: {}, retries: {},
};
const add = (m, k, v) => { m[k] = (m[k] || 0) + v; };

function fold(line) {
  if (line.trim() === "") return;
  t.lines++;
  let e;
  try { e = JSON.parse(line); } catch { t.malformed++; return; }
  if (e === null || typeof e !== "object" || Array.isArray(e) || !Number.isInteger(e.seq) || typeof e.kind !== "string") {
    t.malformed++;
    return;
  }
  t.events++;
  const d = e.data || {};
  switch (e.kind) {
    case "session": {
      t.sessions++;
      const cost = d.costUsd || 0;
      t.costUsd += cost;
      add(t.costByModel, d.model || "unknown", cost);
      add(t.costByRole, d.role || "", cost);
      if (d.storyId) add(t.costByStory, d.storyId, cost);
      const tk = d.tokens || {};
      t.tokens.input += tk.input || 0; t.tokens.output += tk.output || 0;
      t.tokens.cacheRead += tk.cacheRead || 0; t.tokens.cacheWrite += tk.cacheWrite || 0;
      break;
    }
    case "phase_finished": (t.phases[d.phase] ||= []).push(d.durationMs || 0); break;
    case "phase_started": if (d.phase === "fix") t.fixes++; break;
    case "story_selected": t.iterations++; break;
    case "retry_scheduled": add((t.retries[d.phase] ||= {}), d.reason, 1); break;
    case "gate": t.gateRuns++; if (d.passed === true) t.gatesPassed++; break;
    case "verdict": t.verdicts++; if (d.verdict === "fail_retry" || d.verdict === "fail_abort") t.rejected++; break;
    case "story_passed": t.storiesPassed++; break;
    case "story_blocked": t.storiesBlocked++; break;
  }
}

const decoder = new TextDecoder();
let rest = "";
for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
  const text = rest + decoder.decode(chunk, { stream: true });
  const lines = text.split("\n");
  rest = lines.pop();
  for (const line of lines) fold(line);
}
fold(rest + decoder.decode());

const nearest = (sorted, p) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
const phaseDurations = {};
for (const [phase, xs] of Object.entries(t.phases)) {
  xs.sort((a, b) => a - b);
  phaseDurations[phase] = { count: xs.length, p50Ms: nearest(xs, 50), p95Ms: nearest(xs, 95), maxMs: xs[xs.length - 1] };
}
const r6 = (x) => Math.round(x * 1e6) / 1e6;
console.log(JSON.stringify({
  lines: { read: t.lines, malformed: t.malformed }, events: t.events, sessions: t.sessions,
  costUsd: r6(t.costUsd), models: Object.keys(t.costByModel).length, stories: Object.keys(t.costByStory).length,
  tokens: t.tokens, storiesPassed: t.storiesPassed, storiesBlocked: t.storiesBlocked, iterations: t.iterations,
  fixes: t.fixes, gates: { runs: t.gateRuns, passed: t.gatesPassed }, verdicts: { total: t.verdicts, rejected: t.rejected },
  phaseDurations,
}));
