import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium; `.ci/run` installs it when it is missing. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Headless, no sandbox (containers), and nothing that phones home or updates itself mid-test. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Whether the browser suite runs. Without Chromium it is skipped on a workstation, but in CI
 * (`CI` set) it runs and fails in `launchChromium`, so a missing browser is never a silent skip.
 */
export function chromiumSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH) || process.env.CI) return null;
  return `${CHROMIUM_PATH} is missing (install Debian's chromium package to run it)`;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: .ci/run should have installed Chromium before the tests`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 20_000 });
}
