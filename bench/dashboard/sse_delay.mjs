// Delay from an event's append to events.jsonl to its arrival at an SSE client of `simmer dashboard`.
// Usage: node sse_delay.mjs <base-url> <events.jsonl> [count=300] [gapMs=20]. Prints p50/p99/max in ms as JSON.
// One process appends and receives, so both ends read the same clock.
import { appendFileSync, readFileSync } from "node:fs";
import http from "node:http";

const [base, journal, countArg, gapArg] = process.argv.slice(2);
const count = Number(countArg || 300), gap = Number(gapArg || 20);
const lines = readFileSync(journal, "utf8").trimEnd().split("\n");
let seq = 0;
for (let i = lines.length - 1; i >= 0 && !seq; i--) { try { seq = JSON.parse(lines[i]).seq; } catch {} }

const sentAt = new Map(), delays = [];
const done = new Promise((resolve, reject) => {
  const req = http.get(base + "api/events/stream", (res) => {
    if (res.statusCode !== 200) reject(new Error("stream: HTTP " + res.statusCode));
    let buf = "";
    res.setEncoding("utf8");
    res.on("data", (chunk) => {
      const now = performance.now();
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const msg = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m = msg.match(/^id: (\d+)$/m);
        if (m && sentAt.has(Number(m[1]))) {
          delays.push(now - sentAt.get(Number(m[1])));
          if (delays.length === count) { req.destroy(); resolve(); }
        }
      }
    });
  });
  req.on("error", (e) => { if (delays.length < count) reject(e); });
  setTimeout(() => reject(new Error(`timed out with ${delays.length}/${count} events`)), 60000 + count * gap * 2);
});

await new Promise((r) => setTimeout(r, 300));  // the stream is open
for (let k = 0; k < count; k++) {
  seq += 1;
  const line = JSON.stringify({ seq, ts: new Date().toISOString(), runId: "bench", kind: "warning", data: { message: "sse delay probe " + k } });
  sentAt.set(seq, performance.now());
  appendFileSync(journal, line + "\n");
  await new Promise((r) => setTimeout(r, gap));
}
await done;
delays.sort((a, b) => a - b);
const pick = (p) => delays[Math.min(delays.length, Math.ceil((p / 100) * delays.length)) - 1];
console.log(JSON.stringify({ events: delays.length, p50Ms: +pick(50).toFixed(2), p99Ms: +pick(99).toFixed(2), maxMs: +delays[delays.length - 1].toFixed(2) }));
