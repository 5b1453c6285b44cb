// Shared by the browser tests: Debian's Chromium driven by playwright-core (never a browser
// of Playwright's own), the server's address, and small waits and API calls.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const BASE = (process.env.LEDE_URL || '').replace(/\/+$/, '');
assert.ok(BASE, 'LEDE_URL must hold the address of a running `lede serve` (run.sh sets it)');

const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium with a fresh profile folder, removed again by `close()`. */
export async function launch({ width = 1280, height = 800 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'lede-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    args: ARGS,
    viewport: { width, height },
    acceptDownloads: true,
    colorScheme: 'light',
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    /** A new tab that records dialogs (dismissed), console errors and uncaught exceptions. */
    async page() {
      const page = await context.newPage();
      page.dialogs = [];
      page.problems = [];
      page.on('dialog', (dialog) => {
        page.dialogs.push(dialog.message());
        dialog.dismiss().catch(() => {});
      });
      page.on('pageerror', (error) => page.problems.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          page.problems.push(`console.${message.type()}: ${message.text()}`);
        }
      });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the page has drawn the view its address describes. */
export async function settled(page) {
  await page.waitForFunction(() => document.documentElement.dataset.busy === 'false');
}

/** Opens `path` (from the server's root) and waits for the view. */
export async function visit(page, path = '/') {
  await page.goto(BASE + path);
  await settled(page);
}

/** Clicks `locator` and waits for the view the click leads to. */
export async function clickAndSettle(page, locator, options) {
  await locator.click(options);
  await settled(page);
}

/** GET an API path (`/api/query?…`) as JSON. */
export async function api(path) {
  const response = await fetch(BASE + path);
  assert.equal(response.status, 200, `${path}: HTTP ${response.status}`);
  return response.json();
}

/** The page's address as its search parameters. */
export function params(page) {
  return new URL(page.url()).searchParams;
}

/** The total the page shows. */
export async function shownTotal(page) {
  return Number(await page.locator('#total').getAttribute('data-total'));
}

/** Problems other than the browser's own line for an HTTP error answer (a 400 is shown in the page). */
export function realProblems(page) {
  return page.problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p));
}
