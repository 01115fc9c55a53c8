// The herald dev console: one ES module, no framework, no build step. Everything shown is built with DOM
// calls and text nodes (never innerHTML): event data is user input, and text is never parsed as markup.
// It talks to the dev server only: /console/api/* (topology, feed, test webhooks), /events, /traces, /dlq,
// /schedules/<name>/fire.

const FEED_ROWS = 200;
const SVG = 'http://www.w3.org/2000/svg';

/** An element with properties (`class`, `text`, `on<event>`, attributes) and children (nodes or strings, as text). */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

function s(tag, props = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  apply(el, props);
  for (const child of children.flat()) if (child) el.append(child instanceof Node ? child : String(child));
  return el;
}

function apply(el, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
}

const $ = (id) => document.getElementById(id);

/** JSON from the server; throws its `{error}` message. */
async function api(path, init) {
  const res = await fetch(path, init);
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const error = new Error(body?.error ?? `${res.status} ${res.statusText}`);
    error.status = res.status;
    throw error;
  }
  return body;
}

let toastTimer;
function toast(message, bad = false) {
  const el = $('toast');
  el.textContent = message;
  el.className = bad ? 'shown bad' : 'shown';
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.className = ''; }, 5000);
}

const traceHref = (id) => `#/trace/${encodeURIComponent(id)}`;
const time = (iso) => iso.slice(11, 23);

// ---------------------------------------------------------------- model and routing

let model;

async function loadModel() {
  model = await api('/console/api/topology');
  $('app-name').textContent = model.name;
  document.title = `herald dev · ${model.name}`;
  drawGraph();
  fillPublish();
}

function route() {
  const [, view = 'topology', arg] = /^#\/([a-z]+)(?:\/(.*))?$/.exec(location.hash) ?? [];
  const known = ['topology', 'feed', 'trace', 'dlq', 'publish'].includes(view) ? view : 'topology';
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== `view-${known}`;
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('current', link.dataset.view === known);
  if (known === 'trace' && arg) showTrace(decodeURIComponent(arg));
  if (known === 'dlq') loadDeadLetters();
}

// ---------------------------------------------------------------- topology graph

const NODE_W = 230;
const NODE_H = 48;
const COL_GAP = 430;
const ROW_GAP = 80;
const COLUMN = { source: 0, bus: 1, topic: 1, queue: 2, stream: 2, function: 3 };
/** Characters of a node's name that fit its box; a longer one is cut, whole in its tooltip. */
const NAME_FITS = 29;

/** Rows per column: functions in topology order, each hop beside the first function it feeds, the rest in order. */
function layout(nodes, edges) {
  const rank = new Map();
  const functions = nodes.filter((n) => n.kind === 'function');
  functions.forEach((n, i) => rank.set(n.id, i));
  for (const e of edges) {
    if (e.kind === 'delivers' && !rank.has(e.from)) rank.set(e.from, rank.get(e.to) ?? 0);
  }
  const columns = [[], [], [], []];
  for (const n of nodes) columns[COLUMN[n.kind]].push(n);
  columns[2].sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
  const height = Math.max(...columns.map((c) => c.length)) * ROW_GAP;
  const at = new Map();
  columns.forEach((column, c) => {
    const top = (height - column.length * ROW_GAP) / 2;
    column.forEach((n, r) => at.set(n.id, { x: 20 + c * COL_GAP, y: 40 + top + r * ROW_GAP }));
  });
  // Room on the right for what the functions publish, written under them.
  return { at, width: 40 + 3 * COL_GAP + NODE_W + 160, height: height + 80 };
}

/**
 * Edge labels sit in the gaps between columns, never on a box: what a source emits just right of the
 * source; a subscription's types and filter just left of the queue, stream or function it enters
 * (stacked when several enter one); what a function publishes under it.
 */
function drawGraph() {
  const { nodes, edges } = model;
  const { at, width, height } = layout(nodes, edges);
  const root = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `topology ${model.name}` });
  root.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
  ['sources', 'published to', 'read through', 'functions'].forEach((title, c) => root.append(s('text', { x: 20 + c * COL_GAP, y: 18, class: 'column' }, title)));
  const labels = s('g', {});
  const stacked = new Map();
  const label = (x, y, anchor, lines, kind) => lines.forEach((line, i) => labels.append(
    s('text', { x, y: y + i * 13, 'text-anchor': anchor, class: i ? 'filter' : `label ${kind}` }, line)));
  for (const e of edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) continue;
    const g = s('g', { class: `edge ${e.kind}`, 'data-subscription': e.subscription });
    if (e.kind === 'publishes') {
      const x1 = a.x; const y1 = a.y + NODE_H - 8; const x2 = b.x + NODE_W; const y2 = b.y + NODE_H - 8;
      g.append(s('path', { d: `M ${x1} ${y1} C ${x1 - 160} ${y1 + 50}, ${x2 + 160} ${y2 + 50}, ${x2} ${y2}`, 'marker-end': 'url(#arrow)' }));
      label(a.x + 10, a.y + NODE_H + 13, 'start', [`publishes ${e.label}`], e.kind);
    } else {
      const x1 = a.x + NODE_W; const y1 = a.y + NODE_H / 2; const x2 = b.x; const y2 = b.y + NODE_H / 2;
      const bend = (x2 - x1) / 2;
      g.append(s('path', { d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`, 'marker-end': 'url(#arrow)' }));
      const lines = e.kind === 'delivers' && !e.filter.length ? [] : [e.label, ...e.filter.map((f) => `where ${f}`)];
      if (e.kind === 'emits') {
        label(x1 + 8, y1 - 5, 'start', lines, e.kind);
      } else if (lines.length) {
        const below = stacked.get(e.to) ?? 0;
        stacked.set(e.to, below + lines.length);
        label(x2 - 12, b.y + 12 + below * 13, 'end', lines, e.kind);
      }
    }
    root.append(g);
  }
  for (const n of nodes) {
    const { x, y } = at.get(n.id);
    const name = n.label.length > NAME_FITS ? `${n.label.slice(0, NAME_FITS - 1)}…` : n.label;
    root.append(s('g', { class: `node ${n.kind}`, 'data-node': n.id, transform: `translate(${x} ${y})` },
      s('title', {}, `${n.label}\n${n.detail}`),
      s('rect', { width: NODE_W, height: NODE_H, rx: 6 }),
      s('text', { x: 10, y: 19, class: 'name' }, name),
      s('text', { x: 10, y: 37, class: 'detail' }, n.detail.length > NAME_FITS + 8 ? `${n.detail.slice(0, NAME_FITS + 7)}…` : n.detail)));
  }
  root.append(labels);
  $('graph').replaceChildren(root);
}

// ---------------------------------------------------------------- live feed

let lastSeq;
let feed;
let retryTimer;
const feedListeners = new Set();

function connectFeed() {
  clearTimeout(retryTimer);
  // A fresh EventSource does not send Last-Event-ID: the last number seen goes in the query instead.
  feed = new EventSource(`/console/api/feed${lastSeq !== undefined ? `?since=${lastSeq}` : ''}`);
  feed.addEventListener('open', () => setStatus('live', 'ok'));
  feed.addEventListener('delivery', (message) => {
    const entry = JSON.parse(message.data);
    lastSeq = entry.seq;
    addFeedRow(entry);
    for (const listener of feedListeners) listener(entry);
  });
  // herald dev reloaded a changed topology: draw the new one (the open view stays).
  feed.addEventListener('topology', () => {
    loadModel().then(() => toast('the topology changed: redrawn'), (error) => toast(`could not load the changed topology: ${error.message}`, true));
  });
  feed.addEventListener('gap', (message) => {
    const { missed } = JSON.parse(message.data);
    prependRow(h('tr', { class: 'gap' }, h('td', { colspan: 8, text: `${missed} deliveries were missed while the feed was away` })));
  });
  feed.addEventListener('error', () => {
    // The browser retries a dropped stream by itself; a refused one (closed) is retried here, with a pause.
    if (feed.readyState === EventSource.CLOSED) {
      setStatus('disconnected: retrying in 3 s', 'bad');
      retryTimer = setTimeout(connectFeed, 3000);
    } else {
      setStatus('reconnecting…', 'bad');
    }
  });
}

function setStatus(text, kind) {
  const el = $('feed-status');
  el.textContent = `feed: ${text}`;
  el.className = `status ${kind}`;
}

function prependRow(row) {
  const body = $('feed').tBodies[0];
  body.prepend(row);
  while (body.rows.length > FEED_ROWS) body.lastElementChild.remove();
}

function outcomeBadge(outcome) {
  return h('span', { class: `outcome ${outcome}`, text: outcome });
}

function detailOf(e) {
  if (e.outcome === 'retry' || e.outcome === 'deferred') return `next in ${e.delayMs} ms: ${e.reason ?? ''}`;
  if (e.outcome === 'filtered') return 'filtered out by the subscription';
  if (e.outcome === 'duplicate') return 'already handled: skipped';
  return e.reason ?? '';
}

function addFeedRow(e) {
  prependRow(h('tr', { 'data-correlation': e.correlationid, 'data-event': e.id },
    h('td', { text: time(e.at) }),
    h('td', {}, outcomeBadge(e.outcome)),
    h('td', { text: e.function }),
    h('td', {}, h('span', { text: e.type }), h('br'), h('code', { text: e.id })),
    h('td', { text: e.attempt }),
    h('td', { text: e.durationMs.toFixed(1) }),
    h('td', { class: 'reason', text: detailOf(e) }),
    h('td', {}, h('a', { href: traceHref(e.correlationid), class: 'trace-link', text: 'trace' }))));
}

// ---------------------------------------------------------------- trace view

let tracing;
let traceRefresh;
feedListeners.add((e) => {
  if (e.correlationid !== tracing || $('view-trace').hidden) return;
  clearTimeout(traceRefresh);
  traceRefresh = setTimeout(() => showTrace(tracing), 150);
});

async function showTrace(id) {
  tracing = id;
  $('trace-id').value = id;
  let entries;
  try {
    entries = await api(`/traces/${encodeURIComponent(id)}`);
  } catch (error) {
    $('trace-summary').replaceChildren(h('p', { class: 'bad', text: error.message }));
    $('trace-tree').replaceChildren();
    $('trace-timeline').replaceChildren();
    return;
  }
  if (tracing !== id) return;
  const byStart = [...entries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const functions = new Set(entries.map((e) => e.function));
  $('trace-summary').replaceChildren(h('p', {},
    `${entries.length} deliveries of ${new Set(entries.map((e) => e.id)).size} events, reaching ${functions.size} functions: `,
    h('span', { class: 'functions', text: [...functions].join(', ') })));
  $('trace-tree').replaceChildren(causalTree(entries));
  $('trace-timeline').replaceChildren(timeline(byStart));
}

/**
 * Events of the trace as a tree: each event, the subscriptions it reached (through which hop, upcast or
 * not, every attempt), and under the delivery whose function published them, the events it caused.
 */
function causalTree(entries) {
  const events = new Map();
  for (const e of entries) {
    if (!events.has(e.id)) events.set(e.id, { id: e.id, type: e.type, causationid: e.causationid, deliveries: new Map(), children: [] });
    const ev = events.get(e.id);
    if (!ev.deliveries.has(e.subscription)) ev.deliveries.set(e.subscription, { subscription: e.subscription, function: e.function, attempts: [], children: [] });
    ev.deliveries.get(e.subscription).attempts.push(e);
  }
  const roots = [];
  for (const ev of events.values()) {
    const parent = ev.causationid !== undefined ? events.get(ev.causationid) : undefined;
    if (!parent) {
      roots.push(ev);
      continue;
    }
    // Under the delivery of the function that may publish this type; under the event when none says so.
    const by = [...parent.deliveries.values()].find((d) => model?.functions.find((f) => f.name === d.function)?.publishes.includes(ev.type));
    (by ? by.children : parent.children).push(ev);
  }
  return h('ul', { class: 'tree' }, roots.map(eventItem));
}

function eventItem(ev) {
  const subscriptionOf = (name) => model?.subscriptions.find((x) => x.name === name);
  return h('li', { class: 'event', 'data-event': ev.id },
    h('div', { class: 'event-line' }, h('strong', { text: ev.type }), ' ', h('code', { text: ev.id }),
      ev.causationid !== undefined ? h('span', { class: 'muted', text: ` caused by ${ev.causationid}` }) : h('span', { class: 'muted', text: ' (from outside)' })),
    h('ul', {}, [...ev.deliveries.values()].map((d) => {
      const sub = subscriptionOf(d.subscription);
      const hop = !sub ? '' : sub.hop.kind === 'direct' ? `from ${sub.from}, direct` : `from ${sub.from} through ${sub.hop.own ? 'its own queue' : sub.hop.kind} ${sub.hop.name}`;
      const upcast = sub?.upcasts[ev.type];
      return h('li', { class: 'delivery', 'data-function': d.function },
        h('div', {}, '→ ', h('strong', { text: d.function }), h('span', { class: 'muted', text: ` ${hop} (${d.subscription})` }),
          upcast ? h('span', { class: 'upcast', text: ` upcast ${ev.type} → ${upcast}` }) : null),
        h('ol', { class: 'attempts' }, d.attempts.map((a) => h('li', {},
          outcomeBadge(a.outcome), ` ${a.outcome === 'filtered' ? '' : `attempt ${a.attempt} · `}${a.durationMs.toFixed(1)} ms at ${time(a.at)}`,
          detailOf(a) ? h('span', { class: 'reason', text: ` — ${detailOf(a)}` }) : null))),
        d.children.length ? h('ul', {}, d.children.map(eventItem)) : null);
    }), ev.children.map(eventItem)));
}

/** One bar per delivery at its start, as long as it ran; a retry's wait before the next attempt hatched after it. */
function timeline(entries) {
  if (!entries.length) return h('p', { text: 'nothing recorded' });
  const t0 = Date.parse(entries[0].at);
  const end = Math.max(...entries.map((e) => Date.parse(e.at) + e.durationMs + (e.outcome === 'retry' ? e.delayMs ?? 0 : 0)));
  const span = Math.max(end - t0, 1);
  const pct = (ms) => `${Math.min(100, (ms / span) * 100)}%`;
  const rows = entries.map((e) => {
    const start = Date.parse(e.at) - t0;
    const bar = h('div', { class: `bar ${e.outcome}` });
    bar.style.left = pct(start);
    bar.style.width = pct(Math.max(e.durationMs, span / 400));
    const track = h('div', { class: 'track' }, bar);
    if (e.outcome === 'retry' && e.delayMs) {
      const wait = h('div', { class: 'wait', title: `waits ${e.delayMs} ms` });
      wait.style.left = pct(start + e.durationMs);
      wait.style.width = pct(e.delayMs);
      track.append(wait);
    }
    return h('div', { class: 'row' },
      h('div', { class: 'what', title: `${e.type} ${e.id}`, text: `+${start.toFixed(0)} ms  ${e.function} ← ${e.type.replace(/\.v\d+$/, '')} #${e.attempt || '-'} ${e.outcome}` }), track);
  });
  return h('div', { class: 'timeline' }, h('div', { class: 'scale', text: `0 – ${span.toFixed(0)} ms` }), rows);
}

// ---------------------------------------------------------------- dead letters

async function loadDeadLetters() {
  let letters;
  try {
    letters = await api('/dlq');
  } catch (error) {
    $('dlq-list').replaceChildren(h('p', { class: 'bad', text: error.message }));
    return;
  }
  if (!letters.length) {
    $('dlq-list').replaceChildren(h('p', { class: 'empty', text: 'No dead letters.' }));
    return;
  }
  $('dlq-list').replaceChildren(...letters.map((l) => {
    const query = `id=${encodeURIComponent(l.id)}&subscription=${encodeURIComponent(l.subscription)}`;
    const act = (what) => async () => {
      try {
        const answer = await api(`/dlq/${what}?${query}`, { method: 'POST' });
        toast(what === 'redrive' ? `${answer.redriven} redriven to ${l.subscription}` : `${answer.purged} purged`);
      } catch (error) {
        toast(error.message, true);
      }
      loadDeadLetters();
    };
    return h('article', { class: 'letter', 'data-event': l.id },
      h('header', {}, h('strong', { text: l.type }), ' ', h('code', { text: l.id }), h('span', { class: 'muted', text: ` ${l.function} (${l.subscription}), ${l.attempts} attempts, ${l.at}` })),
      h('p', { class: 'reason', text: l.reason }),
      h('pre', { text: JSON.stringify(l.event.data, null, 2) }),
      h('div', {},
        h('button', { type: 'button', class: 'redrive', onclick: act('redrive'), text: 'Redrive' }), ' ',
        h('button', { type: 'button', class: 'purge', onclick: act('purge'), text: 'Purge' }), ' ',
        h('a', { href: traceHref(l.event.correlationid ?? l.id), text: 'trace' })));
  }));
}

// ---------------------------------------------------------------- publish, schedules, webhooks

function fillPublish() {
  const select = $('publish-type');
  const chosen = select.value;
  select.replaceChildren(...model.events.map((e) => h('option', { value: e.type, text: e.type })));
  if (chosen) select.value = chosen;
  prefill();
  $('schedules').replaceChildren(...(model.schedules.length ? model.schedules.map((sc) => h('div', { class: 'action' },
    h('button', { type: 'button', class: 'fire', 'data-schedule': sc.name, onclick: () => fire(sc.name), text: `Fire ${sc.name}` }),
    h('span', { class: 'muted', text: ` ${sc.cron} · emits ${sc.emits}${sc.next ? ` · next ${sc.next}` : ''}` }))) : [h('p', { text: 'No schedules.' })]));
  $('webhooks').replaceChildren(...(model.webhooks.length ? model.webhooks.map((w) => h('div', { class: 'action' },
    h('button', { type: 'button', class: 'webhook', 'data-webhook': w.name, disabled: !w.secretSet, onclick: () => testWebhook(w.name), text: `Send signed test to ${w.name}` }),
    h('span', { class: 'muted', text: ` ${w.method} ${w.path} · emits ${w.emits}` }),
    w.secretSet ? null : h('p', { class: 'bad', text: `${w.secretEnv} is not set in herald dev's environment: set it and restart herald dev to sign test requests.` }))) : [h('p', { text: 'No webhooks.' })]));
}

function prefill() {
  const event = model.events.find((e) => e.type === $('publish-type').value);
  if (!event) return;
  $('publish-description').textContent = event.description ?? '';
  $('publish-body').value = event.example ? JSON.stringify(event.example, null, 2) : '';
  if (!event.example) $('publish-description').textContent = `No example could be made: ${event.exampleError}`;
}

function published(what, id) {
  $('publish-result').replaceChildren(h('span', { text: `${what}: ` }), h('a', { href: traceHref(id), class: 'trace-link', text: id }));
}

async function publish(submit) {
  submit.preventDefault();
  let event;
  try {
    event = JSON.parse($('publish-body').value);
  } catch (error) {
    $('publish-result').replaceChildren(h('span', { class: 'bad', text: `not JSON: ${error.message}` }));
    return;
  }
  try {
    const { ids } = await api('/events', { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) });
    published('published', event.correlationid ?? ids[0]);
  } catch (error) {
    $('publish-result').replaceChildren(h('span', { class: 'bad', text: error.message }));
  }
}

async function fire(name) {
  try {
    const { id } = await api(`/schedules/${encodeURIComponent(name)}/fire`, { method: 'POST' });
    published(`fired ${name}`, id);
    toast(`fired ${name}`);
  } catch (error) {
    toast(error.message, true);
  }
}

async function testWebhook(name) {
  try {
    const { id, duplicate, signature } = await api(`/console/api/webhooks/${encodeURIComponent(name)}`, { method: 'POST' });
    published(`webhook ${name} accepted (signed with ${signature}${duplicate ? ', a replay' : ''})`, id);
  } catch (error) {
    $('publish-result').replaceChildren(h('span', { class: 'bad', text: error.message }));
  }
}

// ---------------------------------------------------------------- start

$('publish-type').addEventListener('change', prefill);
$('publish-reset').addEventListener('click', prefill);
$('publish-form').addEventListener('submit', publish);
$('trace-form').addEventListener('submit', (submit) => {
  submit.preventDefault();
  location.hash = traceHref($('trace-id').value.trim());
});
$('dlq-refresh').addEventListener('click', loadDeadLetters);
window.addEventListener('hashchange', route);
connectFeed();
loadModel().then(route, (error) => toast(`could not load the topology: ${error.message}`, true));
