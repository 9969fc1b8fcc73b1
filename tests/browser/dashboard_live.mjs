// Browser test: the dashboard, open in headless Chromium, follows a real `simmer cook` of the offline todo demo
// (script agents, real gates) and shows stories change status without the page being reloaded. Leaves a
// screenshot at $SIMMER_TEST_OUT/dashboard-live.png.
import { spawn, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fail, openPage, runTest, startDashboard } from "./lib.mjs";

const { SIMMER, SIMMER_SOURCE_DIR, SIMMER_TEST_OUT } = process.env;

const work = mkdtempSync(join(tmpdir(), "simmer-browser-"));
const children = [];
let browser;

async function main() {
  // The todo demo in a fresh repository, as test_cook_demo does.
  cpSync(join(SIMMER_SOURCE_DIR, "examples/todo"), work, { recursive: true });
  const git = (...args) => execFileSync("git", args, { cwd: work, stdio: "pipe" });
  git("init", "-q", ".");
  git("config", "user.name", "Test");
  git("config", "user.email", "test@example.com");
  appendFileSync(join(work, ".gitignore"), "out*.txt\n");
  git("add", "-A");
  git("commit", "-qm", "setup");

  // The dashboard first, on a free port; its first stderr line says where.
  const url = await startDashboard(work, children);
  let page, errors;
  ({ browser, page, errors } = await openPage());
  await page.goto(url);
  await page.waitForSelector('.story[data-id="T-1"][data-status="pending"]', { timeout: 20000 });
  // Survives only if the page is never reloaded.
  await page.evaluate(() => { window.__sameDocument = "yes"; });
  // Wait for the live stream to be open before the run starts.
  await page.waitForSelector("#live.live", { timeout: 20000 });

  const cook = spawn(SIMMER, ["cook"], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  children.push(cook);
  let cookOut = "";
  cook.stdout.on("data", (d) => (cookOut += d));
  cook.stderr.on("data", (d) => (cookOut += d));
  const cookExit = new Promise((resolve) => cook.on("exit", resolve));

  await page.waitForSelector('.story[data-id="T-1"][data-status="passed"]', { timeout: 120000 })
    .catch(() => fail("T-1 never showed passed; cook said:\n" + cookOut));
  const code = await cookExit;
  if (code !== 0) fail("cook exited " + code + ":\n" + cookOut);
  await page.waitForSelector('.story[data-id="T-6"][data-status="passed"]', { timeout: 30000 })
    .catch(() => fail("the last story never showed passed"));
  await page.waitForFunction(() => document.querySelector("#status").textContent === "passed", null, { timeout: 30000 })
    .catch(() => fail("run status never showed passed"));
  if ((await page.evaluate(() => window.__sameDocument)) !== "yes") fail("the page was reloaded");

  // The timeline: a row per story in the order they ran, T-3's rejection visible as a fix bar on its row.
  const rows = await page.$$eval("#timeline text.row", (ts) => ts.map((t) => t.textContent).join(" "));
  if (rows !== "T-1 T-2 T-3 T-4 T-5 T-6") fail("timeline rows: " + rows);
  const t3 = await page.$$eval('#timeline rect[data-story="T-3"]', (rs) => rs.map((r) => r.dataset.phase).join(" "));
  if (t3 !== "build gates verify fix gates verify") fail("T-3's timeline: " + t3);
  if ((await page.textContent("#activity-head")) !== "No session running.") fail("a finished run shows a running session");

  // A story's detail: criteria with the verifier's results and the commits.
  await page.click('.story[data-id="T-3"]');
  await page.waitForSelector("#detail-body ul.crit li.ok", { timeout: 10000 })
    .catch(() => fail("T-3 detail shows no passed criterion"));
  const detail = await page.textContent("#detail-body");
  if (!detail.includes("fail_retry")) fail("T-3 detail does not show the verifier's rejection: " + detail);
  const cards = await page.$$eval(".story", (els) => els.map((e) => e.dataset.id + "=" + e.dataset.status).join(" "));
  await page.screenshot({ path: join(SIMMER_TEST_OUT, "dashboard-live.png"), fullPage: true });
  if (errors.length) fail("page errors: " + errors.join("; "));
  console.log("ok: " + cards + "; screenshot " + join(SIMMER_TEST_OUT, "dashboard-live.png"));
}

await runTest(main, work, children, () => browser);
