// Shared by the browser tests (tests/browser/*.mjs): the dashboard started on a free port, and a page in headless
// Chromium with the page's script errors collected.
import { spawn } from "node:child_process";
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
