// Shared by the browser tests (tests/browser/*.mjs): the dashboard started on a free port, a page in headless
// Chromium with the page's script errors collected, and the run of a test's main() with its failure and cleanup.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const { SIMMER, SIMMER_SOURCE_DIR } = process.env;
const require = createRequire(join(SIMMER_SOURCE_DIR, "tools/browser/package.json"));
export const { chromium } = require("playwright-core");

// Starts `simmer dashboard --port 0` in `cwd` (pushed on `children`, for the test to kill at the end) and resolves
// to its URL, read from its first stderr line.
export function startDashboard(cwd, children) {
  const dash = spawn(SIMMER, ["dashboard", "--port", "0"], { cwd, stdio: ["ignore", "ignore", "pipe"] });
  children.push(dash);
  return new Promise((resolve, reject) => {
    let err = "";
    dash.stderr.on("data", (d) => {
      err += d;
      const m = err.match(/ at (http:\/\/\S+) \(Ctrl-C/);
      if (m) resolve(m[1]);
    });
    dash.on("exit", (code) => reject(new Error("dashboard exited " + code + ": " + err)));
    setTimeout(() => reject(new Error("dashboard did not start: " + err)), 20000);
  });
}

// Headless Chromium with one 1400x1000 page; `errors` collects the page's uncaught script errors.
export async function openPage() {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return { browser, page, errors };
}

// Fails the test: says why on stderr, sets exit code 1, and throws to end main().
export function fail(message) {
  console.error("FAIL: " + message);
  process.exitCode = 1;
  throw new Error(message);
}

// Runs a test's `main`: anything it throws fails the test; then the browser (`browser()`, once main opened one),
// every child process and the `work` folder are cleaned up, whatever happened.
export async function runTest(main, work, children, browser) {
  try {
    await main();
  } catch (e) {
    if (!process.exitCode) {
      console.error("FAIL: " + (e && e.stack ? e.stack : e));
      process.exitCode = 1;
    }
  } finally {
    const b = browser();
    if (b) await b.close().catch(() => {});
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }
}
