import { getPersonalActivity, getTeamActivity, MAX_STREAK_DAYS, type RangeDays } from '../../src/core/activity';
import { localDate } from '../../src/core/activity/days';
import { exportHistory } from '../../src/core/focus/exportHistory';
import type { Store } from '../../src/core/store';
import { RENDERED_MARK, type HostMessage } from '../../src/webview/protocol';
import { naiveActivity } from '../unit/activity/naiveActivity';
import { seedLocalHistory } from '../unit/activity/localSeed';
import { insertTeam, openTempStore, seedTeamHistory } from '../unit/activity/seed';
import { chromiumMissing, launchChromium, preparePage, WebviewServer } from '../unit/activity/webviewPage';
import type { BenchResult } from './report';

const MEMBERS = 50;
const SESSIONS = 100_000;
const TIME_ZONE = 'Europe/Berlin';
const QUERY_TARGET_MS = 50;
const PAINT_TARGET_MS = 300;
const PAINTED_MARK = 'bench-painted';
const EXPORT_TARGET_MS = 2000;
const TURN_TARGET_MS = 100;

// After the view marks its content in the DOM, the next animation frame is the one that paints it; a
// task queued from that frame runs once it has been painted.
const markPainted = `new PerformanceObserver((list, observer) => {
  if (!list.getEntriesByName('${RENDERED_MARK}').length) return;
  observer.disconnect();
  requestAnimationFrame(() => setTimeout(() => performance.mark('${PAINTED_MARK}'), 0));
}).observe({ entryTypes: ['mark'] });`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timed(runs: number, fn: () => unknown): number {
  fn(); // first run prepares the statements and warms the JIT, as the view's first paint would once
  return median(Array.from({ length: runs }, () => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  }));
}

async function seededTeam(o: { everyDay: boolean }): Promise<{ store: Store; team: string; now: number }> {
  const store = await openTempStore();
  const now = Date.now();
  const team = await store.write((db) => {
    const team = insertTeam(db, 'Bench Team');
    seedTeamHistory(db, { teamId: team, members: MEMBERS, sessions: SESSIONS, now, everyDay: o.everyDay });
    return team;
  });
  return { store, team, now };
}

function queryFigures(store: Store, team: string, now: number, label: string, rangeDays: RangeDays): BenchResult {
  const query = timed(15, () => store.read((db) => getTeamActivity(db, { teamId: team, rangeDays, now, timeZone: TIME_ZONE })));
  const naive = timed(3, () => store.read((db) => naiveActivity(db, team, rangeDays, now, TIME_ZONE)));
  return {
    group: 'activity',
    name: `team activity ${rangeDays} days, ${MEMBERS} members, ${SESSIONS / 1000}k sessions${label}`,
    value: query,
    unit: 'ms',
    baseline: { name: 'all rows in JS', value: naive },
    target: `< ${QUERY_TARGET_MS} ms`,
    ok: query < QUERY_TARGET_MS,
  };
}

/** Milliseconds from navigation start until the view's content has been painted, per fresh page load. */
async function firstPaint(reply: HostMessage, runs: number): Promise<number> {
  const server = new WebviewServer();
  await server.start();
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const page = await browser.newPage({ viewport: { width: 380, height: 900 } });
      await preparePage(page, { theme: 'dark', replies: { 7: reply, 30: reply } });
      await page.addInitScript(markPainted);
      await page.goto(`${server.origin}/`);
      await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, PAINTED_MARK);
      // The first load also pays for the browser's own start-up: not counted.
      if (i > 0) times.push(await page.evaluate((mark) => performance.getEntriesByName(mark)[0].startTime, PAINTED_MARK));
      await page.close();
    }
    return median(times);
  } finally {
    await browser.close();
    await server.stop();
  }
}

export async function runActivityBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const history = await seededTeam({ everyDay: false });
  results.push(queryFigures(history.store, history.team, history.now, '', 30));
  results.push(queryFigures(history.store, history.team, history.now, '', 7));
  const activity = history.store.read((db) => getTeamActivity(db, { teamId: history.team, rangeDays: 30, now: history.now, timeZone: TIME_ZONE }));
  await history.store.close();

  // Worst case for streaks: everyone focused every day, so each streak is followed back to the cap.
  const streaky = await seededTeam({ everyDay: true });
  results.push(queryFigures(streaky.store, streaky.team, streaky.now, `, everyone on a ${MAX_STREAK_DAYS}+ day streak`, 30));
  await streaky.store.close();

  const personal = await personalFigures();
  results.push(...personal.results);

  const missing = chromiumMissing();
  if (missing) {
    console.error(`activity: webview first paint not measured: ${missing}`);
    return results;
  }
  const paint = await firstPaint({ type: 'activity', activity, me: null }, 7);
  const youPaint = await firstPaint(personal.reply, 7);
  results.push({
    group: 'activity',
    name: `"You" page first paint, 30 days, ${SESSIONS / 1000}k local sessions (headless Chromium)`,
    value: youPaint,
    unit: 'ms',
    baseline: { name: 'team page, same run', value: paint },
    target: `< ${PAINT_TARGET_MS} ms`,
    ok: youPaint < PAINT_TARGET_MS,
  });
  const emptyPaint = await firstPaint({ type: 'empty', reason: 'disconnected', rangeDays: 30 }, 7);
  results.push({
    group: 'activity',
    name: `webview first paint, 30 days × ${MEMBERS} members (headless Chromium)`,
    value: paint,
    unit: 'ms',
    baseline: { name: 'same page, empty state', value: emptyPaint },
    target: `< ${PAINT_TARGET_MS} ms`,
    ok: paint < PAINT_TARGET_MS,
  });
  return results;
}

/** The same figures as the "You" page, the obvious way: every focus row into JavaScript, dates from Intl. */
function naivePersonal(store: Store, rangeDays: RangeDays, now: number): number {
  const rows = store.read((db) => db.all<{ start_time: string; seconds: number; state: string }>(
    "SELECT start_time, actual_duration_seconds AS seconds, state FROM sessions WHERE kind = 'focus'",
  ));
  const perDay = new Map<string, number>();
  for (const r of rows) {
    if (r.state !== 'completed') continue;
    const date = localDate(Date.parse(r.start_time), TIME_ZONE);
    perDay.set(date, (perDay.get(date) ?? 0) + r.seconds);
  }
  const today = localDate(now, TIME_ZONE);
  return [...perDay.keys()].filter((d) => d <= today).length + rangeDays;
}

/**
 * The "You" page's data over 100k local sessions (a person's decades of history: eight a day), cold
 * (a new connection: the older history's focus days are probed once) and on each repaint after; and
 * the export of all of them, with the longest stretch it holds the event loop.
 */
async function personalFigures(): Promise<{ results: BenchResult[]; reply: HostMessage }> {
  const store = await openTempStore();
  const now = Date.now();
  await store.write((db) => seedLocalHistory(db, { sessions: SESSIONS, now, perDay: 8 }));
  const results: BenchResult[] = [];
  const query = (rangeDays: RangeDays) => store.read((db) => getPersonalActivity(db, { rangeDays, now, timeZone: TIME_ZONE, goalMinutes: 120 }));
  const coldStart = performance.now();
  query(30);
  const cold = performance.now() - coldStart;
  for (const rangeDays of [30, 7] as const) {
    const value = timed(15, () => query(rangeDays));
    results.push({
      group: 'activity',
      name: `"You" page data ${rangeDays} days, ${SESSIONS / 1000}k local sessions (first call on a connection: ${cold.toFixed(0)} ms)`,
      value,
      unit: 'ms',
      baseline: { name: 'all rows in JS', value: timed(2, () => naivePersonal(store, rangeDays, now)) },
      target: `< ${QUERY_TARGET_MS} ms`,
      ok: value < QUERY_TARGET_MS,
    });
  }
  const reply: HostMessage = { type: 'personal', team: 'disconnected', activity: query(30) };

  const times: number[] = [];
  let longestTurn = 0;
  for (let run = 0; run < 3; run++) {
    let bytes = 0;
    const started = performance.now();
    let turnStart = started;
    await exportHistory((fn) => store.read(fn), { write: async (text) => void (bytes += text.length) }, { format: 'csv' }, {
      yieldTurn: async () => {
        longestTurn = Math.max(longestTurn, performance.now() - turnStart);
        await new Promise((resolve) => setImmediate(resolve));
        turnStart = performance.now();
      },
    });
    longestTurn = Math.max(longestTurn, performance.now() - turnStart);
    times.push(performance.now() - started);
    if (bytes === 0) throw new Error('export wrote nothing');
  }
  const exportMs = median(times);
  const readAll = timed(2, () => store.read((db) => db.all('SELECT * FROM sessions ORDER BY start_time, id')));
  results.push(
    {
      group: 'activity',
      name: `export ${SESSIONS / 1000}k sessions as CSV, chunked`,
      value: exportMs,
      unit: 'ms',
      baseline: { name: 'reading every row at once', value: readAll },
      target: `< ${EXPORT_TARGET_MS} ms`,
      ok: exportMs < EXPORT_TARGET_MS,
    },
    {
      group: 'activity',
      name: 'export: longest turn holding the event loop',
      value: longestTurn,
      unit: 'ms',
      baseline: { name: 'reading every row at once', value: readAll },
      target: `< ${TURN_TARGET_MS} ms`,
      ok: longestTurn < TURN_TARGET_MS,
    },
  );
  await store.close();
  return { results, reply };
}
