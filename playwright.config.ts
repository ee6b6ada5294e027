import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

// Playwright's own browser download is not available here: Debian's Chromium is used.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// E2E_PORT lets two checkouts run their journeys side by side; tests/e2e/server.ts reads it too.
const port = Number(process.env.E2E_PORT ?? 3100);
if (!existsSync(chromium)) {
  throw new Error(
    `No Chromium found at ${chromium}. Install Debian's package (sudo apt-get install chromium) ` +
      "or set CHROMIUM_PATH to a Chromium/Chrome executable.",
  );
}

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: "npx tsx --conditions=react-server tests/e2e/server.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
