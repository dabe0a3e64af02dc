// es live migration dashboard: plain JavaScript, no library, nothing loaded from elsewhere.
// The live view is fed by the server's event stream (/dashboard/api/stream, Server-Sent Events), which the engine's
// progress callbacks and migration listener produce; nothing here polls.
'use strict';

const api = '/dashboard/api';
const $ = (id) => document.getElementById(id);
const PHASES = ['CATCH_UP', 'CLOSING', 'CUTOVER', 'BOOK_CLOSED'];
const FEED_MAX = 60;
const LAG_MAX = 120;

const state = {
  overview: null,
  current: null,      // {kind: 'order' | 'bulk', id, orderId}
  view: null,         // the followed migration's last MigrationView
  lag: [],            // events behind, one sample per progress event
  liveEvents: 0,
};

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : {'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Error((data && (data.detail || data.title)) || response.statusText);
  }
  return data;
}

function option(select, value, label) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label === undefined ? value : label;
  select.appendChild(o);
}

function cell(row, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
}

async function loadOverview() {
  const overview = await call('GET', api + '/overview');
  state.overview = overview;
  const body = $('orders').querySelector('tbody');
  body.replaceChildren();
  for (const order of overview.orders) {
    const tr = document.createElement('tr');
    tr.dataset.orderId = order.id;
    if (state.current && state.current.orderId === order.id) tr.className = 'current';
    cell(tr, order.id); cell(tr, order.store); cell(tr, order.stream); cell(tr, String(order.version));
    cell(tr, order.tags.join(', '));
    tr.addEventListener('click', () => { $('mig-order').value = order.id; loadHistory(order.id); });
    body.appendChild(tr);
  }
  const selected = $('mig-order').value;
  $('mig-order').replaceChildren();
  overview.orders.forEach((o) => option($('mig-order'), o.id));
  if (selected) $('mig-order').value = selected;
  for (const id of ['mig-store', 'target-store']) {
    const select = $(id);
    const before = select.value;
    select.replaceChildren();
    if (id === 'target-store') option(select, '', '(the store it is in now)');
    overview.stores.forEach((s) => option(select, s));
    select.value = before || (id === 'target-store' ? (overview.stores.find((s) => s !== overview.defaultStore) || '')
      : overview.defaultStore);
  }
  $('controls').hidden = !overview.writeOperations;
  $('controls-off').hidden = overview.writeOperations;
}

async function loadHistory(orderId) {
  const rows = await call('GET', api + '/orders/' + encodeURIComponent(orderId) + '/history');
  $('history-title').textContent = 'order ' + orderId + ', ' + rows.length + ' events';
  const body = $('history').querySelector('tbody');
  body.replaceChildren();
  for (const e of rows) {
    const tr = document.createElement('tr');
    tr.dataset.eventId = e.eventId;
    cell(tr, String(e.version)); cell(tr, e.type); cell(tr, e.payload);
    cell(tr, e.origin, e.origin === e.storedIn ? '' : 'origin-moved'); cell(tr, e.storedIn);
    body.appendChild(tr);
  }
}

function follow(current) {
  state.current = current;
  state.view = null;
  state.lag = [];
  $('copy-feed').replaceChildren();
  $('live-title').textContent = current.kind === 'bulk' ? 'bulk run ' + current.id : 'order ' + current.orderId
    + ' · migration ' + current.id;
  $('bulk').hidden = current.kind !== 'bulk';
  $('add-live-event').disabled = !current.orderId;
  $('cutover').disabled = true;
  showPhase('PENDING', 'PENDING');
  drawLag();
}

function showPhase(phase, status) {
  const list = $('phase');
  list.dataset.phase = phase;
  list.dataset.status = status;
  const reached = PHASES.indexOf(phase);
  for (const li of list.children) {
    const step = li.dataset.step;
    const index = PHASES.indexOf(step);
    li.classList.toggle('active', step === phase);
    li.classList.toggle('done', index >= 0 && reached > index);
  }
  $('status').textContent = status;
}

function onProgress(view) {
  const current = state.current;
  if (!current) return;
  const mine = current.kind === 'bulk' ? view.bulkRunId === current.id : view.migrationId === current.id;
  if (!mine) return;
  if (current.kind === 'bulk' && current.orderId !== view.orderId) {
    current.orderId = view.orderId;       // a bulk run: follow the order that reported last
    $('add-live-event').disabled = false;
  }
  state.view = view;
  showPhase(view.phase, view.status);
  $('source').textContent = view.sourceStore + '/' + view.sourceStream;
  $('target').textContent = view.targetStore + '/' + view.targetStream;
  $('source-version').textContent = 'v' + view.sourceVersion;
  $('target-version').textContent = 'v' + view.targetVersion;
  $('events-behind').textContent = String(view.eventsBehind);
  $('events-copied').textContent = String(view.eventsCopied);
  $('events-per-second').textContent = view.eventsPerSecond.toFixed(1);
  $('cutover').disabled = !view.cutoverReady;
  state.lag.push(view.eventsBehind);
  if (state.lag.length > LAG_MAX) state.lag.shift();
  drawLag();
  if (view.status === 'COMPLETED' || view.status === 'FAILED' || view.status === 'CANCELLED'
      || view.status === 'ROLLED_BACK') {
    loadHistory(view.orderId).catch(showError);
    loadOverview().catch(showError);
  }
}

function onCopied(copy) {
  const current = state.current;
  if (!current) return;
  if (current.kind === 'order' && copy.migrationId !== current.id && copy.orderId !== current.orderId) return;
  const li = document.createElement('li');
  li.textContent = new Date(copy.at).toLocaleTimeString() + '  ' + copy.orderId + ' v' + copy.sourceVersion + ' '
    + copy.type + ' → ' + copy.targetStore + '/' + copy.targetStream;
  $('copy-feed').prepend(li);
  while ($('copy-feed').children.length > FEED_MAX) $('copy-feed').lastChild.remove();
}

function onBulk(bulk) {
  if (!state.current || state.current.kind !== 'bulk' || bulk.bulkRunId !== state.current.id) return;
  const done = bulk.migrated + bulk.failed + bulk.skipped;
  const total = bulk.remaining === null ? done + bulk.running : done + bulk.running + bulk.remaining;
  $('bulk-text').textContent = bulk.selection + ': ' + bulk.migrated + ' migrated, ' + bulk.failed + ' failed, '
    + bulk.skipped + ' skipped, ' + bulk.running + ' running, ' + bulk.eventsPerSecond.toFixed(0) + ' events/s';
  $('bulk-bar').max = Math.max(1, total);
  $('bulk-bar').value = done;
}

function drawLag() {
  const canvas = $('lag-chart');
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 4;
  ctx.clearRect(0, 0, w, h);
  const data = state.lag;
  const max = Math.max(1, ...data);
  ctx.fillStyle = '#6b7280';
  ctx.font = '11px sans-serif';
  ctx.fillText(String(max), pad, 12);
  if (data.length < 2) return;
  ctx.strokeStyle = '#2563eb';
  ctx.lineWidth = 2;
  ctx.beginPath();
  data.forEach((v, i) => {
    const x = pad + (w - 2 * pad) * i / (LAG_MAX - 1);
    const y = h - pad - (h - 2 * pad - 14) * v / max;
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

function showError(error) {
  $('start-result').textContent = String(error.message || error);
}

function connect() {
  const source = new EventSource(api + '/stream');
  source.addEventListener('hello', () => { $('connection').dataset.state = 'live'; $('connection').textContent = 'live'; });
  source.addEventListener('progress', (e) => onProgress(JSON.parse(e.data)));
  source.addEventListener('copied', (e) => onCopied(JSON.parse(e.data)));
  source.addEventListener('bulk', (e) => onBulk(JSON.parse(e.data)));
  source.addEventListener('continuation', (e) => {
    const hop = JSON.parse(e.data);
    const li = document.createElement('li');
    li.className = 'hop';
    li.textContent = new Date(hop.at).toLocaleTimeString() + '  a writer met closed ' + hop.fromStream
      + ' and followed its continuation to ' + hop.toStream;
    $('copy-feed').prepend(li);
  });
  source.addEventListener('finished', (e) => {
    const finished = JSON.parse(e.data);
    if (state.current && finished.migrationId === state.current.id) {
      $('start-result').textContent = 'migration ' + finished.migrationId + ' ended ' + finished.status + ' after '
        + finished.eventsCopied + ' event(s)' + (finished.error ? ': ' + finished.error : '');
    }
    loadOverview().catch(showError);
  });
  source.onerror = () => { $('connection').dataset.state = 'down'; $('connection').textContent = 'reconnecting…'; };
}

$('scope').addEventListener('change', () => {
  for (const label of document.querySelectorAll('[data-scope]')) label.hidden = label.dataset.scope !== $('scope').value;
});

$('seed-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const order = await call('POST', api + '/orders', {id: $('seed-id').value, customer: 'ada',
      notes: Number($('seed-notes').value), tag: $('seed-tag').value || null});
    $('start-result').textContent = 'created order ' + order.id + ' at version ' + order.version;
    await loadOverview();
    $('mig-order').value = order.id;
    await loadHistory(order.id);
  } catch (error) { showError(error); }
});

$('migrate-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const scope = $('scope').value;
  try {
    const started = await call('POST', api + '/migrations', {scope, orderId: $('mig-order').value,
      tag: $('mig-tag').value, store: $('mig-store').value, targetStore: $('target-store').value || null,
      transform: $('transform').checked, maxEventsPerSecond: Number($('throttle').value) || 0,
      manualCutover: $('manual-cutover').checked});
    follow({kind: started.kind, id: started.id, orderId: started.orderId});
    $('start-result').textContent = 'started ' + (started.kind === 'bulk' ? 'bulk run ' : 'migration ') + started.id;
    if (started.orderId) await loadHistory(started.orderId);
  } catch (error) { showError(error); }
});

$('add-live-event').addEventListener('click', async () => {
  const orderId = state.current && state.current.orderId;
  if (!orderId) return;
  state.liveEvents += 1;
  const text = 'live event ' + state.liveEvents;
  try {
    const written = await call('POST', api + '/orders/' + encodeURIComponent(orderId) + '/live-events', {text});
    $('live-event-result').textContent = '"' + text + '" written at version ' + written.version + ' to '
      + written.store + '/' + written.stream;
    await loadHistory(orderId);
  } catch (error) { $('live-event-result').textContent = String(error.message || error); }
});

for (const action of ['pause', 'resume', 'cancel', 'cutover', 'rollback']) {
  $(action).addEventListener('click', async () => {
    const current = state.current;
    if (!current) return;
    const migrationId = current.kind === 'bulk' && action === 'rollback' && state.view ? state.view.migrationId
      : current.id;
    const path = current.kind === 'bulk' && action !== 'rollback' ? '/bulk/' : '/migrations/';
    try {
      const result = await call('POST', api + path + encodeURIComponent(migrationId) + '/' + action);
      $('control-result').textContent = action + ': ' + (result.accepted ? 'accepted' : 'refused') + ' ('
        + result.status + ')';
    } catch (error) { $('control-result').textContent = action + ': ' + (error.message || error); }
  });
}

connect();
loadOverview().catch(showError);
