// Corpus text is text: an article titled `<img src=x onerror=alert(1)>` with `<script>` in
// its body is shown literally, in the results and in the article view, and runs nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, visit, clickAndSettle, params } from './helpers.mjs';

const TITLE = '<img src=x onerror=alert(1)>';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** What would show that markup from the corpus (or the address) became markup in the page. */
async function injected(page) {
  return page.evaluate(() => ({
    images: document.querySelectorAll('img').length,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
    bold: document.querySelectorAll('main b').length,
    javascriptLinks: document.querySelectorAll('a[href^="javascript"]').length,
    onerror: document.querySelectorAll('[onerror]').length,
  }));
}

const NOTHING = { images: 0, scripts: ['/app.js'], bold: 0, javascriptLinks: 0, onerror: 0 };

/** No dialog opened, the title is the page's own, no script or CSP error was logged. */
async function assertNothingRan(page, title) {
  await page.waitForTimeout(200); // an onerror handler would have fired by now
  assert.deepEqual(page.dialogs, [], 'no alert() ran');
  assert.equal(await page.title(), title);
  assert.deepEqual(page.problems, [], 'no error in the console (a CSP violation would be one)');
}

test('an HTML title and body are shown literally in the results', async () => {
  const page = await browser.page();
  try {
    await visit(page, '/?q=suspicious+dispatch');
    const card = page.locator('#hits .hit[data-article="xss-1"]').first();
    assert.equal(await card.locator('.hit-title').textContent(), TITLE);
    assert.match(await card.locator('.passage').textContent(), /<b>inside<\/b> crates & barrels <img src=x onerror=alert\(2\)>/);
    assert.deepEqual(await injected(page), NOTHING);
    await assertNothingRan(page, 'suspicious dispatch – lede');

    // The paragraph that is only a <script> element.
    await page.locator('#q').fill('script alert');
    await page.locator('#q').press('Enter');
    await page.waitForFunction(() => document.documentElement.dataset.busy === 'false');
    const passages = await page.locator('#hits .hit[data-article="xss-1"] .passage').allTextContents();
    assert.ok(passages.includes('<script>alert(1)</script>'), `literal script: ${JSON.stringify(passages)}`);
    assert.deepEqual(await injected(page), NOTHING);
    await assertNothingRan(page, 'script alert – lede');
  } finally {
    await page.close();
  }
});

test('the article view shows the same text literally and runs nothing', async () => {
  const page = await browser.page();
  try {
    await visit(page, '/?q=suspicious+dispatch');
    await clickAndSettle(page, page.locator('#hits .hit[data-article="xss-1"] .passage').first());
    assert.equal(params(page).get('open'), 'xss-1');
    assert.equal(await page.locator('#article h1').textContent(), TITLE);
    const paras = await page.locator('#article .para').evaluateAll((els) => els.map((el) => [...el.childNodes]
      .filter((n) => !(n.classList && n.classList.contains('para-no')))
      .map((n) => n.textContent)
      .join('')));
    assert.deepEqual(paras, [
      '<script>alert(1)</script>',
      'A suspicious dispatch claimed that grain was smuggled <b>inside</b> crates & barrels <img src=x onerror=alert(2)>.',
      '<script>document.title = "pwned"</script><a href="javascript:alert(3)">click</a>',
    ]);
    assert.deepEqual(await injected(page), NOTHING);
    await assertNothingRan(page, `${TITLE} – lede`);
  } finally {
    await page.close();
  }
});

test('markup in the address (query and filter values) stays text too', async () => {
  const page = await browser.page();
  try {
    const q = '<script>alert(1)</script>';
    const person = '<img src=x onerror=alert(1)>';
    await visit(page, `/?q=${encodeURIComponent(q)}&person=${encodeURIComponent(person)}`);
    assert.equal(await page.locator('#q').inputValue(), q);
    assert.equal(await page.locator('#chips .chip-person .chip-value').textContent(), person);
    assert.deepEqual(await injected(page), NOTHING);
    await page.waitForTimeout(200);
    assert.deepEqual(page.dialogs, []);
    assert.equal(await page.title(), `${q} – lede`);
    // The API may refuse or answer the odd filter; either is shown as text.
    const problems = page.problems.filter((p) => !/Failed to load resource: the server responded with a status of 400/.test(p));
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
