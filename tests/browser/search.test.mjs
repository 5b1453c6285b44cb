// The search page as a reporter uses it: search, filter by facets and dates, read an
// article, go back, page, link, export, and a phone-sized window.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE, launch, visit, settled, clickAndSettle, api, params, shownTotal, realProblems,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Runs `body` with a new tab, closed afterwards; the tab must have logged no problem. */
async function withPage(body) {
  const page = await browser.page();
  try {
    await body(page);
    assert.deepEqual(realProblems(page), [], 'no script error, CSP violation or warning');
    assert.deepEqual(page.dialogs, [], 'no dialog');
  } finally {
    await page.close();
  }
}

const hitTexts = (page) => page.locator('#hits .hit .passage').allTextContents();
const hitArticles = (page) => page.locator('#hits .hit').evaluateAll((els) => els.map((el) => el.dataset.article).sort());
/** The text of each byte range of `text` (UTF-8 offsets, as the API gives them). */
const slices = (text, ranges) => ranges.map(([s, e]) => Buffer.from(text).subarray(s, e).toString());
const facet = (page, kind, value) => page.locator(`.facet[data-kind="${kind}"] .facet-value[data-value="${value}"]`);

test('typing a query shows the passages with the matched words highlighted', async () => {
  await withPage(async (page) => {
    await visit(page, '/');
    // "/" focuses the search box.
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    await page.keyboard.type('grain exports');
    await page.keyboard.press('Enter');
    await settled(page);

    assert.equal(params(page).get('q'), 'grain exports');
    const expected = await api('/api/query?q=grain+exports&limit=20');
    assert.ok(expected.total > 0);
    assert.equal(await shownTotal(page), expected.total);
    const hits = page.locator('#hits .hit');
    assert.equal(await hits.count(), expected.hits.length);

    // Each passage: title, date, source, article id and countries, as the API has them.
    const first = expected.hits[0];
    const card = hits.first();
    assert.equal(await card.locator('.hit-title').textContent(), first.title);
    assert.equal(await card.locator('.article-id').textContent(), first.article_id);
    assert.equal(await card.locator('.source').textContent(), 'articles.jsonl');
    assert.match(await card.locator('time').textContent(), /^\d{1,2} [A-Z][a-z]{2} 2023$/);
    const countries = await card.locator('.tag-country').allTextContents();
    assert.equal(countries.length, first.countries.length);
    assert.ok(countries.every((name) => !/^[A-Z]{2}$/.test(name)), `country names, not codes: ${countries}`);

    // Each passage marks exactly the API's highlights (byte ranges), and they are the words.
    const shown = await hits.evaluateAll((cards) => cards.map((card) => [...card.querySelectorAll('.passage mark')].map((m) => m.textContent)));
    const wanted = expected.hits.map((h) => h.snippet.highlights.map(([s, e]) => Buffer.from(h.snippet.text).subarray(s, e).toString()));
    assert.deepEqual(shown, wanted);
    const marks = shown.flat();
    assert.ok(marks.length >= expected.hits.length, 'words are marked');
    for (const mark of marks) assert.match(mark.toLowerCase(), /^(grain|export)/, `marked: ${mark}`);
  });
});

test('highlights land on the words in text with multi-byte characters', async () => {
  await withPage(async (page) => {
    await visit(page, '/?q=grain+futures&all=1');
    const card = page.locator('#hits .hit[data-article="unicode-01"]');
    assert.equal(await card.count(), 1);
    assert.deepEqual(await card.locator('.passage mark').allTextContents(), ['grain', 'futures']);
    assert.match(await card.locator('.passage').textContent(), /Zürich 🌾🌾 bought grain futures on Monday, said Анна Иванова/);
    assert.equal(await card.locator('.hit-title').textContent(), 'Zürich traders: naïve bets on grain 🌾');
    // The title's marks are byte ranges too, after "ü", "ï" and before "🌾".
    assert.deepEqual(await card.locator('.hit-title mark').allTextContents(), ['grain']);
  });
});

test('clicking countries narrows the counts and results; several are any-of; chips remove them', async () => {
  await withPage(async (page) => {
    await visit(page, '/?q=grain');
    const all = await api('/api/query?q=grain&limit=0');
    assert.equal(await shownTotal(page), all.total);

    const ukraine = facet(page, 'country', 'UA');
    const ukraineCount = Number(await ukraine.locator('.facet-count').textContent());
    assert.ok(ukraineCount > 0 && ukraineCount < all.total);
    await clickAndSettle(page, ukraine);
    assert.deepEqual(params(page).getAll('country'), ['UA']);
    assert.equal(await shownTotal(page), ukraineCount);
    assert.equal(await ukraine.getAttribute('aria-pressed'), 'true');
    for (const tags of await page.locator('#hits .hit .tags').allTextContents()) {
      assert.match(tags, /Ukraine/, 'every passage is about Ukraine');
    }
    assert.equal(await page.locator('#chips .chip').textContent(), 'CountryUkraine×');

    // The country facet still lists the others, with what they would add.
    const russia = facet(page, 'country', 'RU');
    const expectedRussia = (await api('/api/query?q=grain&country=UA&facet=country&limit=0')).facets.country
      .find((v) => v.value === 'RU');
    assert.equal(Number(await russia.locator('.facet-count').textContent()), expectedRussia.passages);
    await clickAndSettle(page, russia);
    assert.deepEqual(params(page).getAll('country'), ['UA', 'RU']);
    const either = await api('/api/query?q=grain&country=UA&country=RU&limit=0');
    assert.equal(await shownTotal(page), either.total);
    assert.ok(either.total > ukraineCount, 'any of the two');
    assert.equal(await page.locator('#chips .chip').count(), 2);

    // Removing the Ukraine chip leaves Russia.
    await clickAndSettle(page, page.locator('#chips .chip', { hasText: 'Ukraine' }).locator('.chip-remove'));
    assert.deepEqual(params(page).getAll('country'), ['RU']);
    assert.equal(await shownTotal(page), (await api('/api/query?q=grain&country=RU&limit=0')).total);

    // A person from the facet column filters too, by that name exactly.
    await clickAndSettle(page, facet(page, 'person', 'Vladimir Putin'));
    assert.deepEqual(params(page).getAll('person'), ['=Vladimir Putin']);
    const putin = await api('/api/query?q=grain&country=RU&person=%3DVladimir+Putin&limit=0');
    assert.equal(await shownTotal(page), putin.total);
  });
});

test('a click on a name selects that name only, not the names that hold it', async () => {
  await withPage(async (page) => {
    await visit(page, '/?q=budget');
    // What to expect, from each passage's own people in the unfiltered answer.
    const all = await api('/api/query?q=budget&limit=100');
    const naming = (name) => all.hits.filter((h) => h.persons.includes(name)).map((h) => h.article_id).sort();
    const blairOnly = naming('Blair');
    const tonyBlair = naming('Tony Blair');
    assert.ok(blairOnly.length && tonyBlair.length, 'both people are named');
    assert.ok(blairOnly.every((id) => !tonyBlair.includes(id)), 'in different passages');

    const blair = facet(page, 'person', 'Blair');
    const tony = facet(page, 'person', 'Tony Blair');
    assert.equal(Number(await blair.locator('.facet-count').textContent()), blairOnly.length);
    await clickAndSettle(page, blair);
    assert.deepEqual(params(page).getAll('person'), ['=Blair']);
    assert.equal(await shownTotal(page), blairOnly.length);
    assert.deepEqual(await hitArticles(page), blairOnly, 'not the passages naming Tony Blair');
    assert.equal(await blair.getAttribute('aria-pressed'), 'true');
    assert.equal(await tony.getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('#chips .chip').textContent(), 'PersonBlair×');
    assert.equal(await page.locator('#notices li').count(), 0, 'nothing was widened');

    // A second name, from the facet: either of the two, each exactly.
    await clickAndSettle(page, tony);
    assert.deepEqual(params(page).getAll('person'), ['=Blair', '=Tony Blair']);
    assert.deepEqual(await hitArticles(page), [...blairOnly, ...tonyBlair].sort());
    // Its chip removes it again; clicking the pressed facet removes the other.
    await clickAndSettle(page, page.locator('#chips .chip', { hasText: 'Tony Blair' }).locator('.chip-remove'));
    assert.deepEqual(params(page).getAll('person'), ['=Blair']);
    await clickAndSettle(page, blair);
    assert.deepEqual(params(page).getAll('person'), []);

    // A tag on a passage selects its name exactly too.
    const tag = page.locator('#hits .hit .tag-person[data-value="Blair"]').first();
    await clickAndSettle(page, tag);
    assert.deepEqual(params(page).getAll('person'), ['=Blair']);
    assert.deepEqual(await hitArticles(page), blairOnly);
  });
});

test('a typed name takes every name with its words, and its chip says which', async () => {
  await withPage(async (page) => {
    await visit(page, '/?q=budget&person=blair');
    const expected = await api('/api/query?q=budget&person=blair&limit=100');
    const names = expected.filter_values[0].values.map((v) => v.value).sort();
    assert.deepEqual(names, ['Blair', 'Cherie Blair', 'Tony Blair']);
    assert.equal(await shownTotal(page), expected.total);
    const chip = page.locator('#chips .chip-person');
    assert.equal(await chip.locator('.chip-value').textContent(), 'blair');
    assert.equal(await chip.locator('.chip-note').textContent(), 'any of 3 names');
    const note = await chip.locator('.chip-note').getAttribute('title');
    for (const name of ['Blair', 'Cherie Blair', 'Tony Blair']) assert.ok(note.includes(name), note);
    // Neither name's facet is pressed: the filter is the words typed, shown as its own row.
    assert.equal(await facet(page, 'person', 'Blair').getAttribute('aria-pressed'), 'false');
    assert.equal(await facet(page, 'person', 'Tony Blair').getAttribute('aria-pressed'), 'false');
    const typed = facet(page, 'person', 'blair');
    assert.equal(await typed.getAttribute('aria-pressed'), 'true');
    await clickAndSettle(page, typed);
    assert.deepEqual(params(page).getAll('person'), []);
  });
});

test("a surname named alone is counted in its full name's row, whose title says so", async () => {
  await withPage(async (page) => {
    await visit(page, '/?q=putin');
    const answer = await api('/api/query?q=putin&facet=person&limit=100');
    const row = answer.facets.person.find((v) => v.value === 'Vladimir Putin');
    assert.equal(row.alone, 'Putin');
    assert.ok(!answer.facets.person.some((v) => v.value === 'Putin'), 'no row of its own');
    const named = answer.hits.filter((h) => h.persons.includes('Putin') || h.persons.includes('Vladimir Putin'));
    assert.equal(row.passages, named.length);
    const button = facet(page, 'person', 'Vladimir Putin');
    assert.equal(Number(await button.locator('.facet-count').textContent()), row.passages);
    assert.match(await button.getAttribute('title'), /name only "Putin"/);
    // Its click takes the passages that name him either way.
    await clickAndSettle(page, button);
    assert.equal(await shownTotal(page), row.passages);
  });
});

test('the timeline draws a bar per month, and selecting bars sets since and until', async () => {
  await withPage(async (page) => {
    await visit(page, '/?q=grain');
    const timeline = await api('/api/timeline?q=grain&interval=month');
    const perMonth = Object.fromEntries(timeline.periods.map((p) => [p.period, p.passages]));
    const bars = page.locator('#timeline-bars .bar');
    // January to June 2023, April (nothing dated) drawn empty.
    assert.deepEqual(
      await bars.evaluateAll((els) => els.map((el) => [el.dataset.period, Number(el.dataset.passages)])),
      ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06'].map((m) => [m, perMonth[m] || 0]),
    );
    // Heights follow the counts: the busiest month is the tallest bar, April has none.
    const counts = await bars.evaluateAll((els) => els.map((el) => Number(el.dataset.passages)));
    const heights = await bars.locator('.fill').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
    assert.equal(heights.indexOf(Math.max(...heights)), counts.indexOf(Math.max(...counts)));
    assert.equal(heights[3], 0, 'April is empty');
    assert.equal(heights.filter((x) => x > 10).length, 5);

    // A click: that month.
    await clickAndSettle(page, bars.nth(1));
    assert.equal(params(page).get('since'), '2023-02');
    assert.equal(params(page).get('until'), '2023-02');
    assert.equal(await shownTotal(page), perMonth['2023-02']);
    assert.equal(await page.locator('#chips .chip-date .chip-value').textContent(), 'Feb 2023');
    assert.equal(await bars.count(), 6, 'the other months stay to choose from');
    assert.equal(await bars.nth(1).getAttribute('aria-pressed'), 'true');

    // Shift-click: extends to March.
    await clickAndSettle(page, bars.nth(2), { modifiers: ['Shift'] });
    assert.equal(params(page).get('since'), '2023-02');
    assert.equal(params(page).get('until'), '2023-03');
    assert.equal(await shownTotal(page), perMonth['2023-02'] + perMonth['2023-03']);

    // A drag from May to June.
    const from = await bars.nth(4).boundingBox();
    const to = await bars.nth(5).boundingBox();
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 3, to.y + to.height / 2, { steps: 4 });
    await page.mouse.up();
    await settled(page);
    assert.equal(params(page).get('since'), '2023-05');
    assert.equal(params(page).get('until'), '2023-06');
    assert.equal(await shownTotal(page), perMonth['2023-05'] + perMonth['2023-06']);
    assert.deepEqual(
      await bars.evaluateAll((els) => els.map((el) => el.getAttribute('aria-pressed'))),
      ['false', 'false', 'false', 'false', 'true', 'true'],
    );

    // Clearing.
    await clickAndSettle(page, page.locator('#timeline-clear'));
    assert.equal(params(page).get('since'), null);
    assert.equal(params(page).get('until'), null);
    assert.equal(await shownTotal(page), timeline.total);
  });
});

test('a passage opens its article with the passage in place; back returns to the list', async () => {
  await withPage(async (page) => {
    await visit(page, '/?q=weapons+supply');
    const expected = await api('/api/query?q=weapons+supply&limit=20');
    const hit = expected.hits.find((h) => h.article_id === 'arms-01' && h.paragraph === 2);
    assert.ok(hit, 'arms-01 ¶3 matches');
    const firstTitles = await page.locator('#hits .hit-title').allTextContents();

    // The title marks the words it matched, as the API gives them.
    const card = page.locator('#hits .hit[data-article="arms-01"][data-paragraph="2"]');
    const titleMarks = slices(hit.title, hit.title_highlights);
    assert.deepEqual(titleMarks.map((m) => m.toLowerCase()), ['weapons', 'supply']);
    assert.deepEqual(await card.locator('.hit-title mark').allTextContents(), titleMarks);

    // Opening the article asks the API once: the article with the query's marks.
    const asked = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) asked.push(url.pathname + url.search);
    });
    await clickAndSettle(page, card.locator('.passage'));
    assert.deepEqual(asked, ['/api/articles/arms-01?q=weapons+supply']);
    assert.equal(params(page).get('open'), 'arms-01');
    assert.equal(params(page).get('para'), '2');
    assert.ok(await page.locator('#article-view').isVisible());
    assert.ok(await page.locator('#search-view').isHidden());

    const article = await api('/api/articles/arms-01');
    assert.equal(await page.locator('#article h1').textContent(), article.title);
    const paras = page.locator('#article .para');
    assert.equal(await paras.count(), article.paragraphs.length, 'the passage among all its neighbours');
    const focus = page.locator('#article .para.focus');
    assert.equal(await focus.count(), 1);
    assert.equal(await focus.getAttribute('data-paragraph'), '2');
    const focusText = await focus.evaluate((el) => [...el.childNodes]
      .filter((node) => !(node.classList && node.classList.contains('para-no')))
      .map((node) => node.textContent)
      .join(''));
    assert.equal(focusText, article.paragraphs[2].text);
    assert.deepEqual(
      (await focus.locator('mark').allTextContents()).map((m) => m.toLowerCase()).sort(),
      ['supply', 'weapons'],
    );
    assert.ok(await focus.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    }), 'the passage is in view');
    assert.match(await page.title(), /North Korea and Russia discuss weapons supply/);
    assert.deepEqual((await page.locator('#article h1 mark').allTextContents()).map((m) => m.toLowerCase()), ['weapons', 'supply']);
    // Every paragraph the API says matches is marked, with its marks; the others are plain.
    const marked = await api('/api/articles/arms-01?q=weapons+supply');
    for (const p of marked.paragraphs) {
      const el = page.locator(`#article .para[data-paragraph="${p.paragraph}"]`);
      assert.equal(await el.evaluate((e) => e.classList.contains('match')), p.matches);
      assert.deepEqual(await el.locator('mark').allTextContents(), slices(p.text, p.highlights));
    }

    // The browser's back button: the list as it was.
    await page.goBack();
    await settled(page);
    assert.equal(params(page).get('open'), null);
    assert.ok(await page.locator('#search-view').isVisible());
    assert.equal(await page.locator('#q').inputValue(), 'weapons supply');
    assert.deepEqual(await page.locator('#hits .hit-title').allTextContents(), firstTitles);

    // Forward again, then the page's own way back.
    await page.goForward();
    await settled(page);
    assert.equal(params(page).get('open'), 'arms-01');
    await clickAndSettle(page, page.locator('#article-back'));
    assert.equal(params(page).get('open'), null);
    assert.deepEqual(await page.locator('#hits .hit-title').allTextContents(), firstTitles);
  });
});

test('the back button restores each previous view: query, filter, page', async () => {
  await withPage(async (page) => {
    await visit(page, '/?q=grain');
    const grain = await api('/api/query?q=grain&limit=40');
    assert.ok(grain.total > 20, 'more than one page');
    assert.match(await page.locator('#count').textContent(), /showing 1–20/);
    const pageOne = await hitTexts(page);

    // Next page.
    await clickAndSettle(page, page.locator('#next'));
    assert.equal(params(page).get('offset'), '20');
    assert.match(await page.locator('#count').textContent(), /showing 21–40/);
    assert.deepEqual(await page.locator('#hits .hit-title').first().textContent(), grain.hits[20].title);
    assert.match(await page.locator('.page-of').textContent(), /Page 2 of 3/);

    // A filter starts again at the first page.
    await clickAndSettle(page, facet(page, 'country', 'EG'));
    assert.equal(params(page).get('offset'), null);
    const egypt = await shownTotal(page);

    // A new query keeps the filter.
    await page.locator('#q').fill('wheat');
    await page.locator('#q').press('Enter');
    await settled(page);
    assert.equal(params(page).get('q'), 'wheat');
    assert.deepEqual(params(page).getAll('country'), ['EG']);

    await page.goBack();
    await settled(page);
    assert.equal(await page.locator('#q').inputValue(), 'grain');
    assert.equal(await shownTotal(page), egypt);
    await page.goBack();
    await settled(page);
    assert.equal(params(page).get('offset'), '20');
    assert.deepEqual(params(page).getAll('country'), []);
    assert.match(await page.locator('#count').textContent(), /showing 21–40/);
    await page.goBack();
    await settled(page);
    assert.deepEqual(await hitTexts(page), pageOne);
    assert.equal(await page.locator('#prev').isDisabled(), true);
  });
});

test('a link reproduces the view: filters, dates and the open article (an id with slashes)', async () => {
  await withPage(async (page) => {
    const id = 'wire/2023/ukr-07';
    await visit(page, `/?q=grain&country=UA&since=2023-05&until=2023-05&open=${encodeURIComponent(id)}&para=1`);
    const article = await api(`/api/articles/${encodeURIComponent(id)}`);
    assert.equal(await page.locator('#article h1').textContent(), article.title);
    assert.equal(await page.locator('#article .para.focus').getAttribute('data-paragraph'), '1');
    assert.equal(await page.locator('#article .article-id').textContent(), id);

    // No history to go back to: the way back opens the list this link describes.
    await clickAndSettle(page, page.locator('#article-back'));
    assert.equal(params(page).get('open'), null);
    assert.deepEqual(
      await page.locator('#chips .chip-value').allTextContents(),
      ['Ukraine', 'May 2023'],
    );
    const expected = await api('/api/query?q=grain&country=UA&since=2023-05&until=2023-05&limit=0');
    assert.equal(await shownTotal(page), expected.total);
    assert.deepEqual(
      await page.locator('#hits .hit').evaluateAll((els) => [...new Set(els.map((el) => el.dataset.article))]),
      [id],
    );
  });
});

test('export downloads every matching passage as CSV and JSON Lines', async () => {
  await withPage(async (page) => {
    for (const [path, query] of [['/?q=grain', 'q=grain'], ['/?q=grain&country=EG&country=CA', 'q=grain&country=EG&country=CA']]) {
      await visit(page, path);
      const { total } = await api(`/api/query?${query}&limit=0`);
      assert.equal(await shownTotal(page), total);

      const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
      const csv = readFileSync(await csvDownload.path(), 'utf8');
      const rows = parseCsv(csv);
      assert.deepEqual(rows[0], ['article_id', 'title', 'date', 'paragraph', 'text', 'countries', 'persons', 'orgs']);
      assert.equal(rows.length - 1, total, `${query}: CSV rows`);

      const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#export-jsonl').click()]);
      const lines = readFileSync(await jsonDownload.path(), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      assert.equal(lines.length, total, `${query}: JSON Lines rows`);
      if (query.includes('country')) {
        for (const row of lines) assert.ok(row.countries.includes('EG') || row.countries.includes('CA'), 'filtered');
      }
      assert.ok(total > 20 || query.includes('country'), 'more than the page shows');
    }
  });
});

test('a phone-sized window: one column, filters behind a button, nothing wider than the screen', async () => {
  await withPage(async (page) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await visit(page, '/?q=grain');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
    assert.ok(await page.locator('#facets').isHidden());
    assert.ok(await page.locator('#timeline-bars .bar').first().isVisible());
    await page.locator('#facets-toggle').click();
    assert.ok(await page.locator('#facets').isVisible());
    await clickAndSettle(page, facet(page, 'country', 'IN'));
    assert.deepEqual(params(page).getAll('country'), ['IN']);
    assert.equal(await page.locator('#facets-toggle').textContent(), 'Filters (1)');
    await clickAndSettle(page, page.locator('#hits .hit .passage').first());
    assert.ok(await page.locator('#article .para.focus').isVisible());
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the article fits too');
  });
});

test('the icon address answers with no content, not an error', async () => {
  const response = await fetch(`${BASE}/favicon.ico`);
  assert.equal(response.status, 204);
  assert.equal((await response.arrayBuffer()).byteLength, 0);
});

test('a refused parameter is said in the page', async () => {
  await withPage(async (page) => {
    await visit(page, '/?q=grain&country=Narnia');
    const error = page.locator('#error');
    assert.ok(await error.isVisible());
    assert.match(await error.textContent(), /^country: .*unknown country/);
    assert.equal(await page.locator('#hits .hit').count(), 0);
    // The chip is there to remove it.
    await clickAndSettle(page, page.locator('#chips .chip-remove'));
    assert.ok(await error.isHidden());
    assert.ok((await shownTotal(page)) > 0);
  });
});

/** RFC 4180: rows of fields; quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
