// Browser test: the agent activity of a run with lanes (issue 12 item 8). A real `simmer cook --lanes 2` has two
// builders at work at once, each in its lane; the activity pane offers a tab per running lane, shows the first
// lane's session as `simmer logs` renders it, and the other's when its tab is clicked. /api/activity?lane= answers
// only for a lane in flight (a made-up id or a path is a 404). Leaves a screenshot at
// $SIMMER_TEST_OUT/dashboard-lanes-activity.png.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fail, openPage, runTest, startDashboard } from "./lib.mjs";

const { SIMMER, SIMMER_TEST_OUT } = process.env;
const work = mkdtempSync(join(tmpdir(), "simmer-browser-"));
const children = [];
let browser;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const git = (...args) => execFileSync("git", args, { cwd: work, stdio: "ignore" });

async function main() {
  git("init", "-q", ".");
  git("config", "user.name", "Test");
  git("config", "user.email", "test@example.com");
  const story = (id, priority, touches) => ({ id, title: "Story " + id, description: "Do " + id, acceptanceCriteria:
    ["works"], priority, dependencies: [], epic: "", notes: "", status: "pending", touches: [touches] });
  writeFileSync(join(work, ".gitignore"), ".simmer/*\n!.simmer/prd.json\n!.simmer/progress.json\n");
  execFileSync("mkdir", ["-p", join(work, ".simmer")]);
  writeFileSync(join(work, ".simmer/prd.json"), JSON.stringify({ schemaVersion: 1, project: "demo", description: "",
    stories: [story("S-A", 1, "a/**"), story("S-B", 2, "b/**")] }));
  writeFileSync(join(work, "simmer.json"), JSON.stringify({ schemaVersion: 1, project: "demo", agents: {
    orchestrator: { agent: "harness" }, builder: { agent: "script", scenario: "scenario.json" },
    verifier: { agent: "script", scenario: "scenario.json" } }, gates: [] }));
  const builder = (id, says) => ({ role: "builder", story: id, actions: [{ say: says }, { sleep: 300 }] });
  writeFileSync(join(work, "scenario.json"), JSON.stringify({ schemaVersion: 1, steps:
    [builder("S-A", "Building A in its lane."), builder("S-B", "Building B in its lane.")] }));
  git("add", "-A");
  git("commit", "-qm", "setup");
  const cook = spawn(SIMMER, ["cook", "--lanes", "2"], { cwd: work, stdio: "ignore" });
  children.push(cook);
  // Both builders are at work: each lane's journal has its session open.
  const launched = (id) => {
    const f = join(work, ".simmer/lanes", id, "events.jsonl");
    return existsSync(f) && readFileSync(f, "utf8").includes('"kind":"session_launched"');
  };
  for (let i = 0; !(launched("S-A") && launched("S-B")); i++) {
    if (i > 600) fail("the two lanes' builders did not start");
    await sleep(100);
  }

  const url = await startDashboard(work, children);
  let page, errors;
  ({ browser, page, errors } = await openPage());
  await page.goto(url);
  await page.waitForFunction(() => [...document.querySelectorAll("#activity-lanes button")].map((b) => b.textContent)
    .join(" ") === "S-A S-B", null, { timeout: 20000 })
    .catch(async () => fail("no tab per running lane: " + await page.innerHTML("#activity")));
  const shows = async (id, says) => {
    await page.waitForFunction(([i, s]) => document.querySelector("#activity-head").textContent.startsWith("builder " + i) &&
      document.querySelector("#activity-lines").textContent.includes(s), [id, says], { timeout: 20000 })
      .catch(async () => fail(`the activity does not show ${id}'s session: ` + await page.textContent("#activity")));
  };
  await shows("S-A", "Building A in its lane.");
  const lines = await page.textContent("#activity-lines");
  if (lines.includes("Building B")) fail("lane S-A's activity shows S-B's session: " + lines);
  await page.click('#activity-lanes button[data-lane="S-B"]');
  await shows("S-B", "Building B in its lane.");
  // The pane stays on S-B through the polls that follow.
  await sleep(2500);
  if (!(await page.textContent("#activity-head")).startsWith("builder S-B")) fail("the pane left S-B by itself");

  // Only a lane in flight is read.
  for (const lane of ["S-Z", "../../sessions", "S-A/../S-B"]) {
    const status = await page.evaluate(async (l) => (await fetch("/api/activity?lane=" + encodeURIComponent(l))).status, lane);
    if (status !== 404) fail(`/api/activity?lane=${lane}: ${status}, not 404`);
  }
  await page.screenshot({ path: join(SIMMER_TEST_OUT, "dashboard-lanes-activity.png"), fullPage: true });
  if (errors.length) fail("page errors: " + errors.join("; "));
  console.log("ok: a tab per lane, each lane's session shown; screenshot " + join(SIMMER_TEST_OUT, "dashboard-lanes-activity.png"));
}

await runTest(main, work, children, () => browser);
