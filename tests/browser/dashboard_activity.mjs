// Browser test: what a person watching a long session sees (issue 13 item 7). A cook holds the project lock with
// a session open: the page shows that session's activity rendered as `simmer logs` renders it, and the lines the
// agent writes next appear without a reload; a usage limit shows a countdown to the second; the timeline has a
// row per story with its phases and the wait. Leaves a screenshot at $SIMMER_TEST_OUT/dashboard-activity.png.
import { spawn, execFileSync } from "node:child_process";
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fail, openPage, runTest, startDashboard } from "./lib.mjs";

const { SIMMER_SOURCE_DIR, SIMMER_TEST_OUT } = process.env;
const work = mkdtempSync(join(tmpdir(), "simmer-browser-"));
const children = [];
let browser;

const t0 = Date.now() - 10 * 60 * 1000;  // the run started ten minutes ago
const iso = (ms) => new Date(ms).toISOString();
let seq = 0;
function event(kind, data, atMs) {
  seq += 1;
  return JSON.stringify({ seq, ts: iso(atMs), runId: "r1", kind, data }) + "\n";
}
const launched = (role, story, transcript, at) => event("session_launched", { role, storyId: story, attempt: 0,
  agent: "claude", pid: 1, pgid: 1, startTime: 0, bootId: "b", transcript }, at);
const recorded = (role, story, outcome, transcript, at) => event("session", { role, storyId: story, attempt: 0,
  agent: "claude", model: "claude-sonnet-4-5", sessionId: "s-" + seq, tokens: { input: 1, output: 1, cacheRead: 0,
  cacheWrite: 0 }, turns: 1, durationMs: 1000, costUsd: 0.05, costReported: true, outcome, error: "", transcript }, at);

async function main() {
  execFileSync("git", ["init", "-q", "."], { cwd: work });
  mkdirSync(join(work, ".simmer/sessions/r1"), { recursive: true });
  writeFileSync(join(work, "simmer.json"), '{"schemaVersion": 1}\n');
  const story = (id, title, priority) => ({ id, title, description: "", acceptanceCriteria: ["works"], priority,
    dependencies: [], epic: "", notes: "", status: "pending" });
  writeFileSync(join(work, ".simmer/prd.json"), JSON.stringify({ schemaVersion: 1, project: "calc", description: "",
    stories: [story("US-1", "Add", 1), story("US-2", "Subtract", 2)] }));
  // US-1 built and verified; US-2's builder hit a usage limit and was retried; its retry is running now.
  const transcript = ".simmer/sessions/r1/9-builder-0.jsonl";
  copyFileSync(join(SIMMER_SOURCE_DIR, "tests/fixtures/streams/claude-write.jsonl"), join(work, transcript));
  const limited = ".simmer/sessions/r1/7-builder-0.jsonl";  // the session the usage limit ended
  writeFileSync(join(work, limited), "");
  const m = (min) => t0 + min * 60 * 1000;
  writeFileSync(join(work, ".simmer/events.jsonl"),
    event("run_started", { version: "0.1.0", pid: 1, resumed: false, phase: "orchestrate", storyId: null }, m(0)) +
    event("phase_started", { phase: "build", storyId: "US-1", attempt: 0 }, m(0)) +
    event("phase_finished", { phase: "build", storyId: "US-1", attempt: 0, durationMs: 120000, outcome: "success" }, m(2)) +
    event("phase_started", { phase: "verify", storyId: "US-1", attempt: 0 }, m(2)) +
    event("phase_finished", { phase: "verify", storyId: "US-1", attempt: 0, durationMs: 60000, outcome: "success" }, m(3)) +
    event("phase_started", { phase: "build", storyId: "US-2", attempt: 0 }, m(3)) +
    launched("builder", "US-2", limited, m(3)) +
    recorded("builder", "US-2", "usage_limit", limited, m(4)) +
    event("retry_scheduled", { phase: "build", reason: "usage_limit", delayMs: 3600000, retry: 1,
      notBeforeMs: Date.now() + 2 * 3600 * 1000 + 5 * 60 * 1000 }, m(4)));
  // A cook holds the lock (as `simmer cook` does) for the whole test.
  const holder = spawn("flock", ["--no-fork", ".simmer/lock", "sleep", "300"], { cwd: work, stdio: "ignore" });
  children.push(holder);

  const url = await startDashboard(work, children);
  let page, errors;
  ({ browser, page, errors } = await openPage());
  await page.goto(url);
  // The usage limit: a countdown of about two hours, ticking.
  await page.waitForFunction(() => /^Usage limit reached: resumes in 2:0\d:\d\d/.test(document.querySelector("#wait").textContent),
    null, { timeout: 20000 }).catch(async () => fail("no usage-limit countdown: " + await page.textContent("#now")));
  const first = await page.textContent("#wait");
  await page.waitForFunction((t) => document.querySelector("#wait").textContent !== t, first, { timeout: 5000 })
    .catch(() => fail("the countdown does not tick: " + first));
  // The timeline: a row per story, US-1's two phases, US-2's build and its wait.
  const bars = await page.$$eval("#timeline rect", (rs) => rs.map((r) => r.dataset.story + ":" + r.dataset.phase).join(" "));
  if (bars !== "US-1:build US-1:verify US-2:build US-2:wait") fail("timeline bars: " + bars);
  const rows = await page.$$eval("#timeline text.row", (ts) => ts.map((t) => t.textContent).join(" "));
  if (rows !== "US-1 US-2") fail("timeline rows: " + rows);

  // The retry starts: the wait ends, the session's activity shows as simmer logs renders it.
  appendFileSync(join(work, ".simmer/events.jsonl"), launched("builder", "US-2", transcript, Date.now()));
  await page.waitForFunction(() => document.querySelector("#activity-head").textContent.startsWith("builder US-2"),
    null, { timeout: 20000 }).catch(async () => fail("no running session shown: " + await page.textContent("#activity")));
  const lines = await page.textContent("#activity-lines");
  const expected = execFileSync(process.env.SIMMER, ["logs", "--story", "US-2"], { cwd: work, encoding: "utf8" })
    .split("\n").filter((l) => l.startsWith("  ") && !l.startsWith("  (still running")).join("\n");
  if (!expected || lines !== expected) fail("activity:\n" + lines + "\nsimmer logs:\n" + expected);
  if (!(await page.isHidden("#wait"))) fail("the countdown stays after the retry started");
  // The agent goes on writing: the new line shows without a journal event (the page polls while a cook runs).
  appendFileSync(join(work, transcript), JSON.stringify({ type: "assistant", message: { id: "m9", type: "message",
    role: "assistant", model: "claude-sonnet-4-5", content: [{ type: "text", text: "Now running the tests." }],
    usage: { input_tokens: 1, output_tokens: 1 } }, session_id: "s" }) + "\n");
  await page.waitForFunction(() => document.querySelector("#activity-lines").textContent.includes("Now running the tests."),
    null, { timeout: 10000 }).catch(async () => fail("a line the agent wrote did not show: " + await page.textContent("#activity-lines")));
  await page.screenshot({ path: join(SIMMER_TEST_OUT, "dashboard-activity.png"), fullPage: true });
  if (errors.length) fail("page errors: " + errors.join("; "));
  console.log("ok: countdown, timeline (" + bars + "), live activity; screenshot " + join(SIMMER_TEST_OUT, "dashboard-activity.png"));
}

await runTest(main, work, children, () => browser);
