// lede's search page. The whole view lives in the address bar (q, filters, dates, offset,
// the open article): every change is a history entry, so a link reproduces a view and the
// back button restores the one before. Corpus text only ever enters the page as text
// (textContent, text nodes and <mark> elements built here), never as markup.
'use strict';

(() => {
  const PAGE_SIZE = 20;
  const FACET_LIMIT = 15;
  const FACET_MORE = 60;
  const YEARS_AFTER_MONTHS = 96; // a span longer than 8 years is drawn per year
  const DAYS_UNDER_MONTHS = 2; // a span of one or two months is drawn per day
  const CACHE_SECONDS = 60;
  const KINDS = ['country', 'person', 'org'];
  const KIND_NAMES = { country: 'Country', person: 'Person', org: 'Organisation' };
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];

  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const numberFormat = new Intl.NumberFormat('en-GB');
  const fmt = (n) => numberFormat.format(n);
  const plural = (n, one, many) => `${fmt(n)} ${n === 1 ? one : many}`;

  const $ = (selector, root = document) => root.querySelector(selector);

  /** An element with attributes (never `style`, never markup) and children (nodes or text). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value == null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child == null || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  // ---------------------------------------------------------------- text and highlights

  /**
   * `text` split at the byte ranges `ranges` (UTF-8 offsets, as the API gives them) into
   * text nodes and <mark> elements.
   */
  function marked(text, ranges) {
    const bytes = encoder.encode(text);
    const sorted = (ranges || [])
      .map(([start, end]) => [Math.max(0, start), Math.min(bytes.length, end)])
      .filter(([start, end]) => end > start)
      .sort((a, b) => a[0] - b[0]);
    const out = [];
    let at = 0;
    for (const [start, end] of sorted) {
      if (end <= at) continue;
      const from = Math.max(start, at);
      if (from > at) out.push(document.createTextNode(decoder.decode(bytes.subarray(at, from))));
      out.push(h('mark', { text: decoder.decode(bytes.subarray(from, end)) }));
      at = end;
    }
    if (at < bytes.length) out.push(document.createTextNode(decoder.decode(bytes.subarray(at))));
    return out;
  }

  /** The passage as the result list shows it: the snippet, with ellipses where it is cut. */
  function passageNodes(hit) {
    const snippet = hit.snippet;
    if (!snippet || typeof snippet.text !== 'string') return marked(hit.text || '', hit.highlights);
    const nodes = marked(snippet.text, snippet.highlights);
    const textBytes = encoder.encode(hit.text || '').length;
    const start = snippet.start || 0;
    const fragments = snippet.fragments || [];
    const end = fragments.length ? fragments[fragments.length - 1][1] : start + encoder.encode(snippet.text).length;
    if (start > 0) nodes.unshift(h('span', { class: 'ellipsis', text: '…' }));
    if (end < textBytes) nodes.push(h('span', { class: 'ellipsis', text: '…' }));
    return nodes;
  }

  function formatDate(value) {
    if (!value) return '';
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    if (!m) return value;
    return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] || m[2]} ${m[1]}`;
  }

  function basename(path) {
    if (!path) return '';
    const parts = String(path).split(/[\\/]/).filter(Boolean);
    return parts.length ? parts[parts.length - 1] : String(path);
  }

  /** Only web addresses become links (a corpus `url` of `javascript:` stays text). */
  function safeUrl(url) {
    if (typeof url !== 'string') return null;
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
    } catch {
      return null;
    }
  }

  // ---------------------------------------------------------------- periods

  const PERIOD = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

  function periodKind(p) {
    const m = PERIOD.exec(p || '');
    if (!m) return null;
    return m[3] ? 'day' : m[2] ? 'month' : 'year';
  }

  function daysIn(year, month) {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
  }

  /** First and last day (YYYY-MM-DD) of a year, month or day; null for other forms. */
  function periodRange(p) {
    const m = PERIOD.exec(p || '');
    if (!m) return null;
    const year = m[1];
    if (m[3]) return [p, p];
    if (m[2]) return [`${year}-${m[2]}-01`, `${year}-${m[2]}-${String(daysIn(+year, +m[2])).padStart(2, '0')}`];
    return [`${year}-01-01`, `${year}-12-31`];
  }

  function periodLabel(p, long = false) {
    const m = PERIOD.exec(p || '');
    if (!m) return p;
    const months = long ? MONTHS_LONG : MONTHS;
    if (m[3]) return `${Number(m[3])} ${months[+m[2] - 1]} ${m[1]}`;
    if (m[2]) return `${months[+m[2] - 1]} ${m[1]}`;
    return m[1];
  }

  function datesLabel(since, until) {
    if (since && until) return since === until ? periodLabel(since) : `${periodLabel(since)} – ${periodLabel(until)}`;
    if (since) return `since ${periodLabel(since)}`;
    return `until ${periodLabel(until)}`;
  }

  const monthIndex = (p) => Number(p.slice(0, 4)) * 12 + Number(p.slice(5, 7)) - 1;
  const monthOf = (i) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);

  // ---------------------------------------------------------------- the state in the address

  function readState(search = location.search) {
    const p = new URLSearchParams(search);
    const whole = (key) => {
      const n = Number.parseInt(p.get(key) || '', 10);
      return Number.isFinite(n) && n > 0 ? n : 0;
    };
    return {
      q: p.get('q') || '',
      mode: p.get('all') === '1' ? 'all' : p.get('any') === '1' ? 'any' : '',
      country: p.getAll('country').filter(Boolean),
      person: p.getAll('person').filter(Boolean),
      org: p.getAll('org').filter(Boolean),
      since: p.get('since') || '',
      until: p.get('until') || '',
      offset: whole('offset'),
      open: p.get('open') || '',
      para: p.has('para') ? whole('para') : null,
    };
  }

  /** The search part of a state as API parameters (`dates: false` leaves since/until out). */
  function searchParams(state, { dates = true, filters = true } = {}) {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    if (state.mode) p.set(state.mode, '1');
    if (filters) {
      for (const kind of KINDS) for (const value of state[kind]) p.append(kind, value);
    }
    if (dates) {
      if (state.since) p.set('since', state.since);
      if (state.until) p.set('until', state.until);
    }
    return p;
  }

  function pageUrl(state) {
    const p = searchParams(state);
    if (state.offset) p.set('offset', String(state.offset));
    if (state.open) {
      p.set('open', state.open);
      if (state.para != null) p.set('para', String(state.para));
    }
    const query = p.toString();
    return query ? `/?${query}` : '/';
  }

  const hasFilters = (state) => KINDS.some((k) => state[k].length) || state.since || state.until;

  /** Goes to `state`: a new history entry (or the current one replaced), then draws it. */
  function navigate(changes, { replace = false, fromResults = false } = {}) {
    const next = { ...readState(), ...changes };
    const url = pageUrl(next);
    if (replace) {
      history.replaceState({ ...(history.state || {}), scrollY: 0 }, '', url);
    } else {
      if (url === location.pathname + location.search) {
        cacheClear();
        render({ scrollY: window.scrollY });
        return;
      }
      history.replaceState({ ...(history.state || {}), scrollY: window.scrollY }, '', location.href);
      history.pushState({ scrollY: 0, fromResults }, '', url);
    }
    render({ scrollY: 0 });
  }

  // ---------------------------------------------------------------- the API

  class ApiError extends Error {
    constructor(status, message, parameter) {
      super(message);
      this.status = status;
      this.parameter = parameter;
    }
  }

  const cache = new Map();
  function cacheClear() {
    cache.clear();
  }

  let busyCount = 0;
  let busyTimer = 0;
  function busy(delta) {
    busyCount += delta;
    const bar = $('#progress');
    if (busyCount > 0 && !busyTimer && bar.hidden) {
      busyTimer = setTimeout(() => {
        busyTimer = 0;
        if (busyCount > 0) bar.hidden = false;
      }, 120);
    } else if (busyCount === 0) {
      clearTimeout(busyTimer);
      busyTimer = 0;
      bar.hidden = true;
    }
    document.body.classList.toggle('busy', busyCount > 0);
  }

  function getJson(url) {
    const cached = cache.get(url);
    if (cached && cached.until > Date.now()) return cached.promise;
    const promise = (async () => {
      busy(+1);
      try {
        let response;
        try {
          response = await fetch(url, { headers: { Accept: 'application/json' } });
        } catch {
          throw new ApiError(0, 'The server cannot be reached. Is lede serve still running?');
        }
        let body = null;
        try {
          body = await response.json();
        } catch {
          body = null;
        }
        if (!response.ok) {
          throw new ApiError(response.status, (body && body.error) || `HTTP ${response.status}`, body && body.parameter);
        }
        return body;
      } finally {
        busy(-1);
      }
    })();
    cache.set(url, { promise, until: Date.now() + CACHE_SECONDS * 1000 });
    promise.catch(() => cache.delete(url));
    while (cache.size > 60) cache.delete(cache.keys().next().value);
    return promise;
  }

  // Country names by code, from the index's own list (facets add to it as they come).
  const countryLabels = new Map();
  function learnLabels(values) {
    for (const v of values || []) if (v && v.value && v.label) countryLabels.set(String(v.value).toUpperCase(), v.label);
  }
  const countryName = (code) => countryLabels.get(String(code).toUpperCase()) || code;

  // A person or organisation filter is a name typed ("putin", "sun co": every value with
  // those words, as on the command line) or, with a leading "=", one value as the index
  // spells it. A value clicked in a list (a facet, a tag) is that value only, so the page
  // always filters by "=VALUE": "Sun Co" alone would also take "Rico Sun Oil Co".
  // Countries are codes, which are exact already.
  const EXACT = '=';
  const isExact = (filter) => filter.trimStart().startsWith(EXACT);
  /** The filter value that selects exactly the stored `value` of `kind`. */
  const exactFilter = (kind, value) => (kind === 'country' ? value : EXACT + value);
  /** What to show for a filter or stored value: country names, names without the "=". */
  const valueName = (kind, value) => (kind === 'country' ? countryName(value) : isExact(value) ? value.trimStart().slice(1).trim() : value);
  /** Whether the filter value `filter` selects exactly the stored value `value`. */
  const selects = (kind, filter, value) =>
    kind === 'country' ? countryName(filter).toLowerCase() === countryName(value).toLowerCase() || filter.toUpperCase() === value.toUpperCase()
      : isExact(filter) && valueName(kind, filter) === value;

  // ---------------------------------------------------------------- drawing

  let generation = 0;
  const expanded = new Set(); // facet kinds showing more values

  async function render({ scrollY = null } = {}) {
    const state = readState();
    const mine = ++generation;
    // `data-busy` on <html> says whether the view is drawn (for people's tools and tests).
    document.documentElement.dataset.busy = 'true';
    try {
      await draw(state, mine, scrollY);
    } finally {
      if (mine === generation) document.documentElement.dataset.busy = 'false';
    }
  }

  async function draw(state, mine, scrollY) {
    syncForm(state);
    const articleOpen = Boolean(state.open);
    $('#search-view').hidden = articleOpen;
    $('#article-view').hidden = !articleOpen;
    document.body.classList.toggle('reading', articleOpen);
    if (articleOpen) {
      await renderArticle(state, mine);
      if (mine === generation && scrollY != null && scrollY > 0) window.scrollTo(0, scrollY);
    } else {
      await renderSearch(state, mine);
      if (mine === generation && scrollY != null) window.scrollTo(0, scrollY);
    }
  }

  function syncForm(state) {
    const box = $('#q');
    if (document.activeElement !== box || box.value.trim() !== state.q) box.value = state.q;
    $('#mode').value = state.mode;
  }

  // ------------------------------------------------ search view

  async function renderSearch(state, mine) {
    document.title = state.q ? `${state.q} – lede` : 'lede';
    renderChips(state);
    renderExports(state);

    const params = searchParams(state);
    params.set('limit', String(PAGE_SIZE));
    if (state.offset) params.set('offset', String(state.offset));
    for (const kind of KINDS) params.append('facet', kind);
    params.set('facet_limit', String(FACET_LIMIT));

    const results = getJson(`/api/query?${params}`).then(
      (data) => {
        if (mine !== generation) return;
        learnLabels(data.facets && data.facets.country);
        renderResults(state, data);
        renderFacets(state, data.facets || {});
        renderChips(state, data.filter_values);
        for (const kind of expanded) loadMore(state, kind, mine);
      },
      (error) => {
        if (mine !== generation) return;
        renderFailure(state, error);
      },
    );
    const timeline = loadTimeline(state).then(
      (data) => mine === generation && renderTimeline(state, data),
      (error) => mine === generation && renderTimelineFailure(error),
    );
    await Promise.allSettled([results, timeline]);
  }

  /**
   * For a typed person or organisation name (not "=VALUE"), what it was taken to mean, from
   * the answer's `filter_values`: a note when it took other or more names than typed.
   */
  function nameNote(kind, value, filterValues) {
    if (kind === 'country' || isExact(value)) return null;
    const taken = (filterValues || []).find((f) => f.filter === kind && f.typed === value);
    if (!taken) return null;
    const names = taken.values.map((v) => v.value);
    if (names.length === 1 && names[0].toLowerCase() === value.trim().toLowerCase()) return null;
    return h('span', {
      class: 'chip-note',
      title: `Every ${KIND_NAMES[kind].toLowerCase()} whose name has these words: ${names.join(', ')}`,
      text: names.length === 1 ? names[0] : `any of ${plural(names.length, 'name', 'names')}`,
    });
  }

  function renderChips(state, filterValues) {
    const chips = $('#chips');
    const items = [];
    for (const kind of KINDS) {
      for (const value of state[kind]) {
        items.push(
          h('li', { class: `chip chip-${kind}`, dataset: { filter: value } },
            h('span', { class: 'chip-kind', text: KIND_NAMES[kind] }),
            h('span', { class: 'chip-value', text: valueName(kind, value) }),
            nameNote(kind, value, filterValues),
            h('button', {
              type: 'button',
              class: 'chip-remove',
              'aria-label': `Remove filter ${KIND_NAMES[kind]}: ${valueName(kind, value)}`,
              title: 'Remove this filter',
              onclick: () => navigate({ [kind]: state[kind].filter((v) => v !== value), offset: 0 }),
              text: '×',
            })));
      }
    }
    if (state.since || state.until) {
      items.push(
        h('li', { class: 'chip chip-date' },
          h('span', { class: 'chip-kind', text: 'Dates' }),
          h('span', { class: 'chip-value', text: datesLabel(state.since, state.until) }),
          h('button', {
            type: 'button',
            class: 'chip-remove',
            'aria-label': 'Remove the date filter',
            title: 'Remove the date filter',
            onclick: () => navigate({ since: '', until: '', offset: 0 }),
            text: '×',
          })));
    }
    if (items.length > 1) {
      items.push(h('li', { class: 'chip-clear' },
        h('button', {
          type: 'button',
          class: 'link',
          onclick: () => navigate({ country: [], person: [], org: [], since: '', until: '', offset: 0 }),
          text: 'Clear all',
        })));
    }
    chips.replaceChildren(...items);
    const count = KINDS.reduce((n, k) => n + state[k].length, 0) + (state.since || state.until ? 1 : 0);
    $('#facets-toggle').textContent = count ? `Filters (${count})` : 'Filters';
  }

  function renderExports(state) {
    for (const format of ['csv', 'jsonl']) {
      const p = searchParams(state);
      p.set('format', format);
      $(`#export-${format}`).href = `/api/export?${p}`;
    }
  }

  function renderFailure(state, error) {
    const box = $('#error');
    box.replaceChildren(
      h('strong', { text: error.parameter ? `${error.parameter}: ` : 'Error: ' }),
      error.message,
    );
    box.hidden = false;
    $('#count').textContent = '';
    $('#hits').replaceChildren();
    $('#pager').replaceChildren();
    $('#notices').replaceChildren();
    renderFacets(state, {});
  }

  function renderResults(state, data) {
    $('#error').hidden = true;
    const total = data.total || 0;
    const hits = data.hits || [];
    const count = $('#count');
    const from = state.offset + 1;
    const to = state.offset + hits.length;
    const what = !state.q && !hasFilters(state) ? 'passages in the index' : total === 1 ? 'passage matches' : 'passages match';
    count.replaceChildren(
      h('strong', { id: 'total', dataset: { total: String(total) }, text: fmt(total) }),
      ` ${what}`,
      hits.length ? h('span', { class: 'muted', text: ` · showing ${fmt(from)}–${fmt(to)}` }) : '',
    );

    $('#notices').replaceChildren(...(data.notices || []).map((n) => h('li', { text: n })));

    const list = $('#hits');
    list.start = from;
    if (!hits.length) {
      list.replaceChildren(
        h('li', { class: 'empty' },
          h('p', { text: state.offset && total ? 'No passages on this page.' : 'No passage matches.' }),
          hasFilters(state)
            ? h('p', {}, 'Try removing a filter, or ',
              h('button', {
                type: 'button',
                class: 'link',
                onclick: () => navigate({ country: [], person: [], org: [], since: '', until: '', offset: 0 }),
                text: 'clear them all',
              }), '.')
            : h('p', { class: 'muted', text: 'Check the spelling, or use fewer words, OR, or a prefix such as comput*.' })));
    } else {
      list.replaceChildren(...hits.map((hit) => renderHit(state, hit)));
    }
    renderPager(state, total, hits.length);
  }

  function renderHit(state, hit) {
    // The title with the words the query matched in it: a passage may match through its
    // article's title alone. A heading (an untitled article's first words) has no marks.
    const title = hit.title ? marked(hit.title, hit.title_highlights) : hit.heading || hit.article_id;
    const target = { ...state, open: hit.article_id, para: hit.paragraph };
    const openIt = (event) => {
      if (event) event.preventDefault();
      navigate({ open: hit.article_id, para: hit.paragraph }, { fromResults: true });
    };
    const link = h('a', {
      class: 'hit-title',
      href: pageUrl(target),
      onclick: (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        openIt(event);
      },
    }, title);
    const meta = [
      hit.date ? h('time', { datetime: hit.date, text: formatDate(hit.date) }) : h('span', { class: 'muted', text: 'undated' }),
      hit.source ? h('span', { class: 'source', title: hit.source, text: basename(hit.source) }) : null,
      h('span', { class: 'article-id', title: 'Article id', text: hit.article_id }),
      h('span', { class: 'para-no', text: `¶\u00a0${hit.paragraph + 1}` }),
      hit.partial ? h('span', { class: 'badge', title: 'This passage has only some of the words', text: 'some of the words' }) : null,
    ].filter(Boolean);
    const metaLine = h('p', { class: 'meta' });
    meta.forEach((node, i) => {
      if (i) metaLine.append(h('span', { class: 'sep', 'aria-hidden': 'true', text: '·' }));
      metaLine.append(node);
    });

    const tags = [];
    for (const code of hit.countries || []) tags.push(tagButton(state, 'country', code));
    for (const person of (hit.persons || []).slice(0, 4)) tags.push(tagButton(state, 'person', person));
    for (const org of (hit.orgs || []).slice(0, 4)) tags.push(tagButton(state, 'org', org));

    const item = h('li', { class: hit.partial ? 'hit partial' : 'hit', dataset: { article: hit.article_id, paragraph: String(hit.paragraph) } },
      h('h3', {}, link),
      metaLine,
      h('p', { class: 'passage' }, passageNodes(hit)),
      tags.length ? h('ul', { class: 'tags', 'aria-label': 'In this passage' }, tags.map((t) => h('li', {}, t))) : null);
    // The whole passage opens the article, unless the reader is selecting its text.
    item.addEventListener('click', (event) => {
      if (event.target.closest('a, button')) return;
      const selection = window.getSelection();
      if (selection && String(selection).trim()) return;
      openIt(event);
    });
    return item;
  }

  function tagButton(state, kind, value) {
    const active = state[kind].some((v) => selects(kind, v, value));
    return h('button', {
      type: 'button',
      class: `tag tag-${kind}${active ? ' active' : ''}`,
      title: active ? `Filtered by ${valueName(kind, value)}` : `Filter by ${KIND_NAMES[kind].toLowerCase()}: ${valueName(kind, value)}`,
      dataset: { kind, value },
      text: valueName(kind, value),
      onclick: (event) => {
        event.stopPropagation();
        if (!active) navigate({ [kind]: [...state[kind], exactFilter(kind, value)], offset: 0, open: '', para: null });
      },
    });
  }

  function renderPager(state, total, shown) {
    const pager = $('#pager');
    if (total <= PAGE_SIZE && state.offset === 0) {
      pager.replaceChildren();
      return;
    }
    const page = Math.floor(state.offset / PAGE_SIZE) + 1;
    const pages = Math.max(page, Math.ceil(total / PAGE_SIZE));
    const prev = h('button', {
      type: 'button',
      id: 'prev',
      disabled: state.offset === 0,
      onclick: () => navigate({ offset: Math.max(0, state.offset - PAGE_SIZE) }),
      text: '← Previous',
    });
    const next = h('button', {
      type: 'button',
      id: 'next',
      disabled: state.offset + PAGE_SIZE >= total || shown < PAGE_SIZE,
      onclick: () => navigate({ offset: state.offset + PAGE_SIZE }),
      text: 'Next →',
    });
    pager.replaceChildren(prev, h('span', { class: 'page-of', text: `Page ${fmt(page)} of ${fmt(pages)}` }), next);
  }

  // ------------------------------------------------ facets

  function renderFacets(state, facets) {
    for (const kind of KINDS) {
      const section = $(`.facet[data-kind="${kind}"]`);
      renderFacetValues(state, kind, facets[kind] || [], section);
      const more = $('.facet-more', section);
      const shown = (facets[kind] || []).length;
      more.hidden = !expanded.has(kind) && shown < FACET_LIMIT;
      more.textContent = expanded.has(kind) ? 'Fewer' : 'More';
    }
  }

  function renderFacetValues(state, kind, values, section) {
    const list = $('.facet-values', section);
    // Each row toggles the filter values that select it: a counted value, exactly; a
    // filter the counts do not list (beyond the limit, matching nothing, or a typed name
    // that takes several values) is still shown, checked, so it can be removed here too.
    const rows = values.map((v) => ({
      value: v.value,
      label: v.label || v.value,
      passages: v.passages,
      articles: v.articles,
      alone: v.alone,
      filters: state[kind].filter((f) => selects(kind, f, v.value)),
    }));
    for (const filter of state[kind]) {
      if (!rows.some((r) => r.filters.includes(filter))) {
        rows.unshift({ value: filter, label: valueName(kind, filter), passages: null, articles: null, filters: [filter] });
      }
    }
    if (!rows.length) {
      list.replaceChildren(h('li', { class: 'muted facet-none', text: 'None in these passages' }));
      return;
    }
    const max = Math.max(1, ...rows.map((r) => r.passages || 0));
    list.replaceChildren(...rows.map((row) => {
      const active = row.filters.length > 0;
      const meter = h('span', { class: 'meter', 'aria-hidden': 'true' });
      meter.style.width = `${Math.round(((row.passages || 0) / max) * 100)}%`;
      const count = row.passages == null ? '–' : fmt(row.passages);
      const button = h('button', {
        type: 'button',
        class: 'facet-value',
        'aria-pressed': active ? 'true' : 'false',
        dataset: { kind, value: row.value },
        title: row.passages == null ? row.label
          : `${row.label}: ${plural(row.passages, 'passage', 'passages')} in ${plural(row.articles, 'article', 'articles')}`
            + (row.alone ? `, with the passages that name only "${row.alone}"` : ''),
        onclick: () => {
          const values = active ? state[kind].filter((v) => !row.filters.includes(v)) : [...state[kind], exactFilter(kind, row.value)];
          navigate({ [kind]: values, offset: 0 });
        },
      },
      meter,
      h('span', { class: 'check', 'aria-hidden': 'true' }),
      h('span', { class: 'facet-label', text: row.label }),
      h('span', { class: 'facet-count', text: count }));
      return h('li', {}, button);
    }));
  }

  async function loadMore(state, kind, mine) {
    const params = searchParams(state);
    params.set('limit', '0');
    params.append('facet', kind);
    params.set('facet_limit', String(FACET_MORE));
    try {
      const data = await getJson(`/api/query?${params}`);
      if (mine !== generation || !expanded.has(kind)) return;
      if (kind === 'country') learnLabels(data.facets.country);
      const section = $(`.facet[data-kind="${kind}"]`);
      renderFacetValues(state, kind, (data.facets || {})[kind] || [], section);
      const more = $('.facet-more', section);
      more.hidden = false;
      more.textContent = 'Fewer';
    } catch {
      // The short list stays.
    }
  }

  // ------------------------------------------------ timeline

  /**
   * The timeline of the search without its own dates (so the other periods stay visible
   * and selectable), per month; per year for a long span, per day for a short one. Empty
   * periods are filled in.
   */
  async function loadTimeline(state) {
    const params = searchParams(state, { dates: false });
    params.set('interval', 'month');
    const data = await getJson(`/api/timeline?${params}`);
    const months = (data.periods || []).filter((p) => /^\d{4}-\d{2}$/.test(p.period));
    const base = { total: data.total || 0, undated: data.undated || 0 };
    if (!months.length) return { ...base, interval: 'month', bars: [] };
    const indexes = months.map((p) => monthIndex(p.period));
    const first = Math.min(...indexes);
    const last = Math.max(...indexes);
    const span = last - first + 1;

    if (span > YEARS_AFTER_MONTHS) {
      const byYear = new Map();
      for (const p of months) {
        const year = p.period.slice(0, 4);
        const entry = byYear.get(year) || { passages: 0, articles: 0 };
        entry.passages += p.passages;
        entry.articles += p.articles; // an upper bound: an article is dated once, so exact
        byYear.set(year, entry);
      }
      const bars = [];
      for (let y = Math.floor(first / 12); y <= Math.floor(last / 12); y++) {
        const entry = byYear.get(String(y)) || { passages: 0, articles: 0 };
        bars.push({ period: String(y), ...entry });
      }
      return { ...base, interval: 'year', bars };
    }

    if (span <= DAYS_UNDER_MONTHS) {
      params.set('interval', 'day');
      const days = await getJson(`/api/timeline?${params}`);
      const byDay = new Map((days.periods || []).map((p) => [p.period, p]));
      const bars = [];
      const start = Date.UTC(Math.floor(first / 12), first % 12, 1);
      const end = Date.UTC(Math.floor(last / 12), (last % 12) + 1, 0);
      for (let t = start; t <= end; t += 86400000) {
        const day = dayOf(t);
        const entry = byDay.get(day);
        bars.push({ period: day, passages: entry ? entry.passages : 0, articles: entry ? entry.articles : 0 });
      }
      return { ...base, interval: 'day', bars };
    }

    const byMonth = new Map(months.map((p) => [p.period, p]));
    const bars = [];
    for (let i = first; i <= last; i++) {
      const entry = byMonth.get(monthOf(i));
      bars.push({ period: monthOf(i), passages: entry ? entry.passages : 0, articles: entry ? entry.articles : 0 });
    }
    return { ...base, interval: 'month', bars };
  }

  let timelineState = null; // {state, data}: what the bars show, for the pointer handlers

  function barSelected(bar, state) {
    if (!state.since && !state.until) return false;
    const range = periodRange(bar.period);
    const since = state.since ? periodRange(state.since) : ['0000-00-00'];
    const until = state.until ? periodRange(state.until) : [null, '9999-99-99'];
    if (!range || !since || !until) return false;
    return range[0] >= since[0] && range[1] <= until[1];
  }

  function renderTimeline(state, data) {
    timelineState = { state, data };
    const section = $('#timeline');
    const bars = $('#timeline-bars');
    const axis = $('#timeline-axis');
    const unit = { year: 'year', month: 'month', day: 'day' }[data.interval];
    $('#timeline-title').textContent = `Passages per ${unit}`;
    $('#timeline-clear').hidden = !(state.since || state.until);
    section.dataset.interval = data.interval;
    section.classList.toggle('has-selection', Boolean(state.since || state.until));

    if (!data.bars.length) {
      bars.replaceChildren(h('p', { class: 'muted timeline-empty', text: data.total ? 'No matching passage has a date.' : 'Nothing to draw.' }));
      axis.replaceChildren();
      setReadout(defaultReadout(state, data));
      return;
    }
    const max = Math.max(1, ...data.bars.map((b) => b.passages));
    bars.replaceChildren(...data.bars.map((bar, i) => {
      const selected = barSelected(bar, state);
      const fill = h('span', { class: 'fill' });
      fill.style.height = bar.passages ? `${Math.max(2, (bar.passages / max) * 100)}%` : '0';
      const label = `${periodLabel(bar.period, true)}: ${plural(bar.passages, 'passage', 'passages')}`;
      return h('button', {
        type: 'button',
        class: `bar${selected ? ' selected' : ''}${bar.passages ? '' : ' empty'}`,
        dataset: { index: String(i), period: bar.period, passages: String(bar.passages) },
        'aria-label': label,
        'aria-pressed': selected ? 'true' : 'false',
        title: `${label} in ${plural(bar.articles, 'article', 'articles')}`,
      }, fill);
    }));
    axis.replaceChildren(...axisLabels(data));
    setReadout(defaultReadout(state, data));
  }

  function renderTimelineFailure(error) {
    $('#timeline-bars').replaceChildren(h('p', { class: 'muted timeline-empty', text: error.status === 400 ? '' : 'The timeline could not be drawn.' }));
    $('#timeline-axis').replaceChildren();
    setReadout('');
  }

  function axisLabels(data) {
    const n = data.bars.length;
    const labels = [];
    const every = (step) => (i) => i % step === 0;
    let show;
    let text;
    if (data.interval === 'year') {
      show = every(n <= 16 ? 1 : n <= 40 ? 5 : 10);
      text = (p) => p;
    } else if (data.interval === 'month') {
      if (n <= 14) {
        show = () => true;
        text = (p, i) => (i === 0 || p.endsWith('-01') ? `${MONTHS[+p.slice(5, 7) - 1]} ${p.slice(0, 4)}` : MONTHS[+p.slice(5, 7) - 1]);
      } else {
        const step = n <= 48 ? 1 : n <= 96 ? 2 : 5;
        show = (i) => data.bars[i].period.endsWith('-01') && +data.bars[i].period.slice(0, 4) % step === 0;
        text = (p) => p.slice(0, 4);
      }
    } else {
      show = (i) => i === 0 || +data.bars[i].period.slice(8) % 7 === 1;
      text = (p, i) => (i === 0 || p.endsWith('-01') ? `${+p.slice(8)} ${MONTHS[+p.slice(5, 7) - 1]}` : String(+p.slice(8)));
    }
    data.bars.forEach((bar, i) => {
      if (!show(i)) return;
      const label = h('span', { text: text(bar.period, i) });
      label.style.left = `${((i + 0.5) / n) * 100}%`;
      labels.push(label);
    });
    return labels;
  }

  function defaultReadout(state, data) {
    const dated = data.bars.reduce((n, b) => n + b.passages, 0);
    const parts = [];
    if (data.bars.length) {
      const selected = data.bars.filter((b) => barSelected(b, state));
      const range = `${periodLabel(data.bars[0].period)} – ${periodLabel(data.bars[data.bars.length - 1].period)}`;
      if (selected.length) {
        const inside = selected.reduce((n, b) => n + b.passages, 0);
        parts.push(`${fmt(inside)} of ${plural(dated, 'dated passage', 'dated passages')} (${range}) in the dates chosen`);
      } else {
        parts.push(`${plural(dated, 'dated passage', 'dated passages')}, ${range}`);
      }
    }
    if (data.undated) parts.push(`${fmt(data.undated)} undated`);
    if (data.bars.length > 1 && !state.since && !state.until) parts.push('click a bar, or drag for a span');
    return parts.join(' · ');
  }

  function setReadout(text) {
    $('#timeline-readout').textContent = text;
  }

  // Selecting: a click selects one period, shift-click extends the selection, a drag
  // selects the span it covers. Keyboard: Enter/Space on a bar (with Shift to extend).
  let drag = null;

  function barIndexAt(clientX) {
    const bars = $('#timeline-bars');
    const children = bars.querySelectorAll('.bar');
    if (!children.length) return -1;
    const rect = bars.getBoundingClientRect();
    const x = Math.min(Math.max(clientX - rect.left, 0), rect.width - 1);
    return Math.min(children.length - 1, Math.floor((x / rect.width) * children.length));
  }

  function selectedSpan() {
    if (!timelineState) return null;
    const { state, data } = timelineState;
    const indexes = data.bars.map((b, i) => (barSelected(b, state) ? i : -1)).filter((i) => i >= 0);
    return indexes.length ? [indexes[0], indexes[indexes.length - 1]] : null;
  }

  function previewSpan(a, b) {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const bars = $('#timeline-bars').querySelectorAll('.bar');
    bars.forEach((bar, i) => bar.classList.toggle('preview', i >= lo && i <= hi));
    if (timelineState) {
      const slice = timelineState.data.bars.slice(lo, hi + 1);
      const passages = slice.reduce((n, x) => n + x.passages, 0);
      const span = lo === hi ? periodLabel(slice[0].period, true) : `${periodLabel(slice[0].period)} – ${periodLabel(slice[slice.length - 1].period)}`;
      setReadout(`${span}: ${plural(passages, 'passage', 'passages')}`);
    }
  }

  function commitSpan(a, b) {
    if (!timelineState) return;
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const bars = timelineState.data.bars;
    const since = bars[lo].period;
    const until = bars[hi].period;
    const { state } = timelineState;
    if (lo === hi && state.since === since && state.until === until) {
      navigate({ since: '', until: '', offset: 0 }); // clicking the selected period again clears it
      return;
    }
    navigate({ since, until, offset: 0 });
  }

  function extendTo(i) {
    const span = selectedSpan();
    if (!span) return commitSpan(i, i);
    return commitSpan(Math.min(span[0], i), Math.max(span[1], i));
  }

  function setUpTimeline() {
    const bars = $('#timeline-bars');
    bars.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      const i = barIndexAt(event.clientX);
      if (i < 0) return;
      event.preventDefault();
      if (event.shiftKey) {
        drag = { anchor: i, current: i, shift: true };
      } else {
        drag = { anchor: i, current: i, shift: false };
        previewSpan(i, i);
      }
      try {
        bars.setPointerCapture(event.pointerId);
      } catch {
        // Not every pointer can be captured; the drag still ends on pointerup.
      }
    });
    bars.addEventListener('pointermove', (event) => {
      const i = barIndexAt(event.clientX);
      if (!drag) {
        const bar = timelineState && timelineState.data.bars[i];
        if (bar && event.target.closest('.bar')) {
          setReadout(`${periodLabel(bar.period, true)}: ${plural(bar.passages, 'passage', 'passages')} in ${plural(bar.articles, 'article', 'articles')}`);
        }
        return;
      }
      if (i < 0 || i === drag.current) return;
      drag.current = i;
      if (!drag.shift || drag.current !== drag.anchor) {
        drag.shift = false;
        previewSpan(drag.anchor, drag.current);
      }
    });
    const finish = (event) => {
      if (!drag) return;
      const d = drag;
      drag = null;
      if (event.type === 'pointercancel') {
        if (timelineState) renderTimeline(timelineState.state, timelineState.data);
        return;
      }
      if (d.shift) extendTo(d.anchor);
      else commitSpan(d.anchor, d.current);
    };
    bars.addEventListener('pointerup', finish);
    bars.addEventListener('pointercancel', finish);
    bars.addEventListener('pointerleave', () => {
      if (!drag && timelineState) setReadout(defaultReadout(timelineState.state, timelineState.data));
    });
    // Keyboard: a click with no pointer behind it (detail 0).
    bars.addEventListener('click', (event) => {
      const bar = event.target.closest('.bar');
      if (!bar || event.detail !== 0) return;
      const i = Number(bar.dataset.index);
      if (event.shiftKey) extendTo(i);
      else commitSpan(i, i);
    });
    bars.addEventListener('focusin', (event) => {
      const bar = event.target.closest('.bar');
      if (bar) setReadout(bar.title);
    });
    $('#timeline-clear').addEventListener('click', () => navigate({ since: '', until: '', offset: 0 }));
  }

  // ------------------------------------------------ article view

  async function renderArticle(state, mine) {
    const container = $('#article');
    const position = $('#article-position');
    let article;
    const loading = h('p', { class: 'muted', text: 'Loading the article…' });
    if (!container.firstChild || container.dataset.id !== state.open) container.replaceChildren(loading);
    try {
      // With the query (its words, not the filters): which paragraphs it matches and the
      // marks in each and in the title, in the same answer.
      const query = state.q ? `?${searchParams(state, { dates: false, filters: false })}` : '';
      article = await getJson(`/api/articles/${encodeURIComponent(state.open)}${query}`);
    } catch (error) {
      if (mine !== generation) return;
      document.title = 'Article not found – lede';
      container.dataset.id = state.open;
      position.textContent = '';
      container.replaceChildren(
        h('h1', { text: error.status === 404 ? 'No such article' : 'The article could not be loaded' }),
        h('p', { class: 'muted', text: error.message }));
      return;
    }
    if (mine !== generation) return;
    const title = article.title || article.heading || article.article_id;
    document.title = `${title} – lede`;
    container.dataset.id = article.article_id;

    const countries = new Set();
    const persons = new Set();
    const orgs = new Set();
    for (const p of article.paragraphs || []) {
      (p.countries || []).forEach((c) => countries.add(c));
      (p.persons || []).forEach((c) => persons.add(c));
      (p.orgs || []).forEach((c) => orgs.add(c));
    }
    const url = safeUrl(article.url);
    const metaItems = [
      article.date ? h('time', { datetime: article.date, text: formatDate(article.date) }) : h('span', { text: 'undated' }),
      article.author ? h('span', { class: 'author', text: `By ${article.author}` }) : null,
      article.source ? h('span', { class: 'source', title: article.source, text: basename(article.source) }) : null,
      h('span', { class: 'article-id', title: 'Article id', text: article.article_id }),
      url ? h('a', { href: url, rel: 'noopener noreferrer', target: '_blank', text: 'Original ↗' }) : null,
    ].filter(Boolean);
    const meta = h('p', { class: 'meta' });
    metaItems.forEach((node, i) => {
      if (i) meta.append(h('span', { class: 'sep', 'aria-hidden': 'true', text: '·' }));
      meta.append(node);
    });

    const entityRow = (kind, label, values) => (values.size
      ? h('div', { class: 'entity-row' },
        h('span', { class: 'entity-kind', text: label }),
        h('ul', { class: 'tags' }, [...values].map((v) => h('li', {}, tagButton(state, kind, v)))))
      : null);

    const focus = state.para;
    let focusEl = null;
    const paragraphs = (article.paragraphs || []).map((p) => {
      const classes = ['para'];
      if (p.matches) classes.push(p.partial ? 'match partial' : 'match');
      if (p.paragraph === focus) classes.push('focus');
      const el = h('p', { class: classes.join(' '), id: `p${p.paragraph}`, dataset: { paragraph: String(p.paragraph) } },
        h('span', { class: 'para-no', 'aria-hidden': 'true', text: String(p.paragraph + 1) }),
        p.matches ? marked(p.text, p.highlights) : p.text);
      if (p.paragraph === focus) {
        focusEl = el;
        el.setAttribute('aria-current', 'true');
      }
      return el;
    });

    container.replaceChildren(
      h('header', { class: 'article-head' },
        h('h1', {}, article.title ? marked(article.title, article.title_highlights) : title),
        article.heading && article.title && article.heading !== article.title ? h('p', { class: 'heading', text: article.heading }) : null,
        meta,
        entityRow('country', 'Countries', new Set([...countries].map((c) => c))),
        entityRow('person', 'People', persons),
        entityRow('org', 'Organisations', orgs)),
      h('div', { class: 'article-body' }, paragraphs));

    const matched = (article.paragraphs || []).filter((p) => p.matches && !p.partial).length;
    const parts = [plural((article.paragraphs || []).length, 'paragraph', 'paragraphs')];
    if (state.q) parts.push(matched ? `${plural(matched, 'passage matches', 'passages match')} “${state.q}”` : `no passage has every word of “${state.q}”`);
    if (focusEl) parts.push(`showing ¶\u00a0${focus + 1}`);
    position.textContent = parts.join(' · ');

    // The passage in place: the article from its top when the passage shows there,
    // else the passage in the middle of the window.
    window.scrollTo(0, 0);
    if (focusEl) {
      const box = focusEl.getBoundingClientRect();
      if (box.bottom > window.innerHeight - 24) focusEl.scrollIntoView({ block: 'center' });
      focusEl.setAttribute('tabindex', '-1');
      focusEl.focus({ preventScroll: true });
    } else {
      container.focus({ preventScroll: true });
    }
  }

  function closeArticle() {
    if (history.state && history.state.fromResults) history.back();
    else navigate({ open: '', para: null });
  }

  // ---------------------------------------------------------------- wiring

  function setUp() {
    history.scrollRestoration = 'manual';
    // Sticky parts below the header need its height, which wraps on narrow windows.
    const header = $('.top');
    const headerHeight = () => document.documentElement.style.setProperty('--header-h', `${header.offsetHeight}px`);
    headerHeight();
    if (window.ResizeObserver) new ResizeObserver(headerHeight).observe(header);
    $('#search').addEventListener('submit', (event) => {
      event.preventDefault();
      const q = $('#q').value.trim();
      navigate({ q, mode: $('#mode').value, offset: 0, open: '', para: null });
    });
    $('#mode').addEventListener('change', () => {
      navigate({ q: $('#q').value.trim(), mode: $('#mode').value, offset: 0, open: '', para: null });
    });
    $('#home').addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      navigate({ q: '', mode: '', country: [], person: [], org: [], since: '', until: '', offset: 0, open: '', para: null });
      $('#q').focus();
    });
    $('#article-back').addEventListener('click', closeArticle);
    for (const section of document.querySelectorAll('.facet')) {
      const kind = section.dataset.kind;
      $('.facet-more', section).addEventListener('click', () => {
        if (expanded.has(kind)) expanded.delete(kind);
        else expanded.add(kind);
        render();
      });
    }
    const toggle = $('#facets-toggle');
    const facets = $('#facets');
    const setOpen = (open) => {
      facets.classList.toggle('open', open);
      toggle.setAttribute('aria-expanded', String(open));
    };
    toggle.addEventListener('click', () => setOpen(!facets.classList.contains('open')));
    $('#facets-close').addEventListener('click', () => setOpen(false));
    setUpTimeline();

    document.addEventListener('keydown', (event) => {
      const target = event.target;
      const typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        const box = $('#q');
        box.focus();
        box.select();
      } else if (event.key === 'Escape') {
        if (target === $('#q')) {
          target.blur();
        } else if (!$('#article-view').hidden) {
          closeArticle();
        } else if (facets.classList.contains('open')) {
          setOpen(false);
        }
      }
    });
    window.addEventListener('popstate', () => {
      render({ scrollY: (history.state && history.state.scrollY) || 0 });
    });
  }

  async function start() {
    setUp();
    // Country names for codes the facets have not listed; the page works without them.
    try {
      const all = await Promise.race([
        getJson('/api/facets/country?limit=1000'),
        new Promise((resolve) => setTimeout(() => resolve(null), 1500)),
      ]);
      if (all) learnLabels(all.values);
    } catch {
      // Codes are shown instead.
    }
    await render({ scrollY: (history.state && history.state.scrollY) || 0 });
    document.documentElement.dataset.ready = 'true';
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
