// Browser test: the dashboard's steering buttons, in headless Chromium, on a real `simmer cook` with script
// agents. Pause while S-1 is being built: the cook finishes S-1 and holds before S-2 (the page and `simmer
// status` say paused); Retry brings the blocked S-4 back, Skip sets S-3 aside, a refused request shows its reason;
// Resume lets S-2 run; Stop ends S-4's hanging session, and Skip then sets S-4 aside with no cook running. Each
// answer is shown, each change arrives through the live stream, each request is a `steered` event by the
// dashboard. Leaves $SIMMER_TEST_OUT/dashboard-steer-paused.png and dashboard-steer-stopped.png.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fail, openPage, runTest, startDashboard } from "./lib.mjs";

const { SIMMER, SIMMER_TEST_OUT } = process.env;

const work = mkdtempSync(join(tmpdir(), "simmer-browser-steer-"));
const children = [];
let browser;

function story(id, priority, extra = {}) {
  return { id, title: "Story " + id, description: "Do " + id + ".", acceptanceCriteria: [id + " works"], priority,
    dependencies: [], epic: "", notes: "", status: "pending", ...extra };
}

function setUp() {
  mkdirSync(join(work, ".simmer"));
  writeFileSync(join(work, ".simmer/prd.json"), JSON.stringify({ schemaVersion: 1, project: "steer", description: "browser",
    stories: [story("S-1", 0), story("S-2", 1), story("S-3", 2),
      story("S-4", 3, { status: "blocked", blockedReason: "waiting for a person" })] }, null, 2) + "\n");
  writeFileSync(join(work, "simmer.json"), JSON.stringify({ schemaVersion: 1, project: "steer",
    agents: { orchestrator: { agent: "harness" }, builder: { agent: "script", scenario: "scenario.json" },
      verifier: { agent: "script", scenario: "scenario.json" } }, gates: [] }, null, 2) + "\n");
  // S-1's builder waits for the test's go-ahead, so the pause lands while it works; S-4's hangs until stopped.
  writeFileSync(join(work, "scenario.json"), JSON.stringify({ schemaVersion: 1, defaults: { costUsd: 0.01 }, steps: [
    { role: "builder", story: "S-1", actions: [{ run: `while [ ! -e '${work}/go' ]; do sleep 0.1; done` }, { write: "s1.txt", content: "one\n" }] },
    { role: "builder", story: "S-4", actions: [{ run: "sleep 300" }], outcome: "hang" },
  ] }) + "\n");
  writeFileSync(join(work, ".gitignore"), "go\nout*.txt\n.simmer/events.jsonl\n.simmer/sessions/\n.simmer/lock\n.simmer/inbox/\n.simmer/control/\n");
  const git = (...args) => execFileSync("git", args, { cwd: work, stdio: "pipe" });
  git("init", "-q", ".");
  git("config", "user.name", "Test");
  git("config", "user.email", "test@example.com");
  git("add", "-A");
  git("commit", "-qm", "setup");
}

const journal = () => readFileSync(join(work, ".simmer/events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
const status = () => JSON.parse(execFileSync(SIMMER, ["status", "--json"], { cwd: work, encoding: "utf8" }));

async function until(what, check, ms = 60000) {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    if (check()) return;
  }
  fail("timed out waiting for " + what);
}

async function main() {
  setUp();
  const url = await startDashboard(work, children);
  let page, errors;
  ({ browser, page, errors } = await openPage());
  page.on("dialog", (d) => d.accept());
  await page.goto(url);
  await page.waitForSelector('.story[data-id="S-4"][data-status="blocked"] button.act[data-action="retry"]', { timeout: 20000 });
  await page.waitForSelector('.story[data-id="S-2"][data-status="pending"] button.act[data-action="skip"]');
  if (await page.isVisible("#btn-pause")) fail("Pause is offered with no cook running");
  await page.evaluate(() => { window.__sameDocument = "yes"; });
  await page.waitForSelector("#live.live", { timeout: 20000 });

  const cook = spawn(SIMMER, ["cook"], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  children.push(cook);
  let cookOut = "";
  cook.stdout.on("data", (d) => (cookOut += d));
  cook.stderr.on("data", (d) => (cookOut += d));
  const cookExit = new Promise((resolve) => cook.on("exit", resolve));
  const result = async (state, what) => {
    await page.waitForSelector(`#steer-result[data-state="${state}"]`, { timeout: 60000 })
      .catch(async () => fail(what + ": no " + state + " answer; the page shows: " + await page.textContent("#steer-result") + "\ncook:\n" + cookOut));
    return page.textContent("#steer-result");
  };

  // Pause while S-1's builder works: the cook takes the request at once and answers when the session ends, so the
  // page says "asked" first; the go-ahead ends the session, and the pause holds before S-2.
  await page.waitForSelector('.story[data-id="S-1"][data-status="running"]', { timeout: 60000 })
    .catch(() => fail("S-1 never showed running; cook said:\n" + cookOut));
  await page.waitForSelector("#btn-pause:visible");
  if ((await page.textContent("#btn-pause")) !== "Pause") fail("the header offers no Pause");
  await page.click("#btn-pause");
  const asked = await result("asked", "pause");
  if (!asked.startsWith("pause: asked")) fail("pause answer: " + asked);
  writeFileSync(join(work, "go"), "");
  await page.waitForSelector("#paused:visible", { timeout: 60000 }).catch(() => fail("no paused badge; cook said:\n" + cookOut));
  await page.waitForFunction(() => document.querySelector("#btn-pause").textContent === "Resume");
  await page.waitForSelector('.story[data-id="S-1"][data-status="passed"]', { timeout: 60000 });
  await until("status to say paused at orchestrate", () => { const s = status(); return s.paused === true && s.phase === "orchestrate"; });
  if (journal().some((e) => e.kind === "story_selected" && e.data.storyId === "S-2")) fail("S-2 started while paused");

  // While paused: Retry the blocked S-4, Skip S-3; a refused request shows why.
  await page.click('.story[data-id="S-4"] button.act[data-action="retry"]');
  const retried = await result("applied", "retry S-4");
  if (retried !== "retry S-4: applied — story S-4 is pending again") fail("retry answer: " + retried);
  await page.waitForSelector('.story[data-id="S-4"][data-status="pending"]', { timeout: 30000 });
  await page.click('.story[data-id="S-3"] button.act[data-action="skip"]');
  const skipped = await result("applied", "skip S-3");
  if (!skipped.startsWith("skip S-3: applied")) fail("skip answer: " + skipped);
  await page.waitForSelector('.story[data-id="S-3"][data-status="blocked"]', { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector("#blocked-banner")?.textContent.includes("S-3 (skipped by a person (the dashboard))"), null, { timeout: 30000 })
    .catch(() => fail("the blocked banner does not say S-3 was skipped"));
  await page.evaluate(() => steer("retry", "S-2"));
  const refused = await result("refused", "retry S-2");
  if (refused !== "retry S-2: refused — story S-2 is pending, not blocked: retry brings a blocked story back to pending") fail("refusal: " + refused);
  const conflict = await page.evaluate(async () => (await fetch("/api/steer", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ action: "retry", storyId: "S-2" }) })).status);
  if (conflict !== 409) fail("a refused request answered HTTP " + conflict);
  const bad = await page.evaluate(async () => { const r = await fetch("/api/steer", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ action: "skip", storyId: "--by" }) }); return r.status + " " + (await r.json()).error; });
  if (bad !== `400 "storyId" is not a story id: a letter, then letters, digits, '_' or '-'`) fail("a flag as story id: " + bad);
  await page.waitForFunction(() => document.querySelector("#log").textContent.includes("steered skip by dashboard"), null, { timeout: 30000 })
    .catch(() => fail("the journal list shows no steered event"));
  await page.screenshot({ path: join(SIMMER_TEST_OUT, "dashboard-steer-paused.png"), fullPage: true });

  // Resume: S-2 runs and passes, then S-4, whose builder hangs until Stop.
  await page.click("#btn-pause");
  const resumed = await result("applied", "resume");
  if (resumed !== "resume: applied — resumed") fail("resume answer: " + resumed);
  await page.waitForSelector("#paused", { state: "hidden", timeout: 30000 });
  await page.waitForSelector('.story[data-id="S-2"][data-status="passed"]', { timeout: 60000 })
    .catch(() => fail("S-2 never passed after resume; cook said:\n" + cookOut));
  await until("S-4's builder to start", () => journal().some((e) => e.kind === "session_launched" && e.data.storyId === "S-4"));
  await page.click("#btn-stop");
  const stopped = await result("applied", "stop");
  if (stopped !== "stop: applied — the cook stopped (run `simmer cook` to resume)") fail("stop answer: " + stopped);
  const code = await cookExit;
  if (code !== 130) fail("the stopped cook exited " + code + ":\n" + cookOut);
  await page.waitForFunction(() => document.querySelector("#status").textContent === "interrupted", null, { timeout: 30000 })
    .catch(() => fail("run status never showed interrupted"));
  await page.waitForSelector("#btn-pause", { state: "hidden" });
  await page.waitForSelector("#btn-stop", { state: "hidden" });
  // The story the stopped run was on shows interrupted (no cook holds the lock) and can be set aside, now with no
  // cook (applied by the command, with the lock).
  await page.click('.story[data-id="S-4"][data-status="interrupted"] button.act[data-action="skip"]', { timeout: 30000 });
  const skippedIdle = await result("applied", "skip S-4");
  if (!skippedIdle.startsWith("skip S-4: applied")) fail("skip S-4 answer: " + skippedIdle);
  await page.waitForSelector('.story[data-id="S-4"][data-status="blocked"]', { timeout: 30000 });
  if ((await page.evaluate(() => window.__sameDocument)) !== "yes") fail("the page was reloaded");

  const steered = journal().filter((e) => e.kind === "steered")
    .map((e) => [e.data.action, e.data.storyId || "", e.data.by, e.data.refused ? "refused" : "applied"].join(" "));
  const want = ["pause  dashboard applied", "retry S-4 dashboard applied", "skip S-3 dashboard applied",
    "retry S-2 dashboard refused", "retry S-2 dashboard refused", "resume  dashboard applied", "stop  dashboard applied", "skip S-4 dashboard applied"];
  if (JSON.stringify(steered) !== JSON.stringify(want)) fail("steered events: " + JSON.stringify(steered));
  await page.screenshot({ path: join(SIMMER_TEST_OUT, "dashboard-steer-stopped.png"), fullPage: true });
  if (errors.length) fail("page errors: " + errors.join("; "));
  console.log("ok: " + steered.join("; "));
}

await runTest(main, work, children, () => browser);
