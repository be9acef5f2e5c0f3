import * as assert from 'assert';
import * as path from 'path';
import { getTeamActivity, MAX_STREAK_DAYS, type RangeDays } from '../../../src/core/activity';
import type { HostMessage } from '../../../src/webview/protocol';
import { insertMember, insertSession, insertTeam, openTempStore } from './seed';
import { ARTIFACTS, rgbToHex, useChromiumRoom, type PageSetup } from './webviewPage';

const XSS_NAME = '<img src=x onerror=alert(1)>';
const XSS_FLAG = '<img src=y onerror="window.__pwned=1">';
const NOW = Date.parse('2026-03-10T16:30:00.000Z');

/** Fixture data made by the real aggregation over a real database, as the provider would post it. */
async function fixtureReplies(): Promise<Record<RangeDays, HostMessage>> {
  const store = await openTempStore();
  const { team, me } = await store.write((db) => {
    const team = insertTeam(db, 'Platform Team');
    const people = [
      insertMember(db, team, 'alice@example.com', 'Owner'),
      insertMember(db, team, 'bob@example.com', 'Admin'),
      insertMember(db, team, XSS_NAME),
      insertMember(db, team, XSS_FLAG),
      insertMember(db, team, 'dana.longname-with-a-long-email@example.com'),
      insertMember(db, team, null),
    ];
    // A varied month: each person focuses on some days, one to three sessions a day.
    people.slice(0, 5).forEach((user, p) => {
      for (let day = 0; day < 30; day++) {
        if ((day * (p + 3)) % 7 === p % 3) continue;
        for (let k = 0; k < 1 + ((day + p) % 3); k++) {
          const start = NOW - day * 864e5 - (2 + k * 2.5 + p) * 36e5;
          insertSession(db, { teamId: team, userId: user, start: new Date(start).toISOString(), spanMinutes: 25 + ((day * 7 + p * 11) % 30) });
        }
      }
    });
    return { team, me: people[0] };
  });
  const reply = (rangeDays: RangeDays): HostMessage => ({
    type: 'activity',
    me,
    activity: store.read((db) => getTeamActivity(db, { teamId: team, rangeDays, now: NOW, timeZone: 'Europe/Berlin' })),
  });
  const replies = { 7: reply(7), 30: reply(30) };
  await store.close();
  return replies;
}

describe('activity webview in headless Chromium', function () {
  this.timeout(60_000);
  let replies: Record<RangeDays, HostMessage>;
  const { open, assertClosedRoom } = useChromiumRoom(async () => {
    replies = await fixtureReplies();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`shows the team's week in the ${theme} theme (screenshot in test-artifacts)`, async () => {
      const { page, watch } = await open({ theme, replies });
      await page.getByRole('heading', { name: 'Platform Team' }).waitFor();
      assert.strictEqual(await page.locator('.heatmap rect.cell').count(), 6 * 7, 'one cell per member per day');
      assert.strictEqual(await page.locator('.bars rect.bar').count(), 7);
      const today = await page.getByRole('group', { name: 'Today' }).innerText();
      assert.match(today, /Today\s+\d+ (h|min)/);
      assert.match(await page.getByRole('group', { name: 'Last 7 days' }).innerText(), /session/);
      assert.ok(await page.locator('table.members').getByText('alice@example.com (you)').isVisible());
      assert.ok(await page.locator('.streaks li').count() > 0, 'streaks listed');
      const overlaps = await page.evaluate(() => {
        const firstCell = (document.querySelector('.heatmap rect.cell') as SVGRectElement).x.baseVal.value;
        return Array.from(document.querySelectorAll<SVGTextElement>('.heatmap text.name'))
          .filter((t) => t.getBBox().x < 0 || t.getBBox().x + t.getBBox().width > firstCell)
          .map((t) => t.textContent);
      });
      assert.deepStrictEqual(overlaps, [], 'names fit their column');
      // Theme colours reach the page: the chart's bars take charts-blue from the theme variables.
      const barFill = await page.locator('.bars rect.bar').first().evaluate((el) => getComputedStyle(el).fill);
      const expected = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-blue').trim());
      assert.strictEqual(rgbToHex(barFill), expected);
      await page.screenshot({ path: path.join(ARTIFACTS, `activity-${theme}.png`), fullPage: true });
      await assertClosedRoom(page, watch);
      await page.close();
    });
  }

  it('renders a member named like HTML as text: no element, no script, no request', async () => {
    const { page, watch } = await open({ theme: 'dark', replies });
    await page.getByRole('heading', { name: 'Platform Team' }).waitFor();
    const cell = page.locator('table.members tbody th').filter({ hasText: XSS_NAME });
    assert.strictEqual(await cell.count(), 1, 'the name shows in the members table as written');
    assert.strictEqual(await page.locator('table.members').getByText(XSS_FLAG, { exact: true }).count(), 1);
    assert.strictEqual(await page.locator('img').count(), 0, 'no <img> element was created');
    // Give a would-be error handler time to fire before looking.
    await page.waitForTimeout(200);
    assert.strictEqual(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepStrictEqual(watch.dialogs, [], 'no alert() ran');
    await assertClosedRoom(page, watch);
    await page.close();
  });

  it('switches 7 / 30 days by keyboard, keeps focus on the switch and remembers the choice', async () => {
    const { page, watch } = await open({ theme: 'light', replies });
    await page.getByRole('heading', { name: 'Platform Team' }).waitFor();
    await page.keyboard.press('Tab');
    assert.strictEqual(await page.getByRole('radio', { name: 'Team' }).evaluate((el) => el === document.activeElement), true, 'Tab reaches the chosen page first');
    await page.keyboard.press('Tab');
    const seven = page.getByRole('radio', { name: '7 days' });
    const thirty = page.getByRole('radio', { name: '30 days' });
    assert.strictEqual(await seven.evaluate((el) => el === document.activeElement), true, 'then the chosen range');
    assert.strictEqual(await page.getByRole('radiogroup', { name: 'Time range' }).count(), 1);

    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('.heatmap rect.cell').length === 6 * 30);
    assert.strictEqual(await thirty.getAttribute('aria-checked'), 'true');
    assert.strictEqual(await seven.getAttribute('aria-checked'), 'false');
    assert.strictEqual(await page.evaluate(() => document.activeElement?.textContent), '30 days', 'focus stays on the switch');
    assert.ok(await page.getByRole('group', { name: 'Last 30 days' }).isVisible());
    const state = await page.evaluate(() => (window as unknown as { __state: { rangeDays: number } }).__state);
    assert.strictEqual(state.rangeDays, 30);
    const sent = await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent);
    assert.deepStrictEqual(sent, [{ type: 'ready', rangeDays: 7 }, { type: 'setRange', rangeDays: 30 }]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'activity-light-30-days.png'), fullPage: true });
    await assertClosedRoom(page, watch);
    await page.close();

    // The view comes back (hidden and shown again): it paints the saved state and asks for 30 days.
    const again = await open({ theme: 'light', replies: {}, state: state as PageSetup['state'] });
    await again.page.waitForFunction(() => document.querySelectorAll('.heatmap rect.cell').length === 6 * 30);
    assert.deepStrictEqual(await again.page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent), [{ type: 'ready', rangeDays: 30, page: 'team' }]);
    await again.page.keyboard.press('Tab');
    await again.page.keyboard.press('Tab');
    await again.page.keyboard.press('Home');
    assert.strictEqual(await again.page.getByRole('radio', { name: '7 days' }).getAttribute('aria-checked'), 'true');
    await assertClosedRoom(again.page, again.watch);
    await again.page.close();
  });

  it('offers the next step when not connected, and its buttons ask the host to run the command', async () => {
    const empty: HostMessage = { type: 'empty', reason: 'disconnected', rangeDays: 7 };
    const { page, watch } = await open({ theme: 'dark', replies: { 7: empty } });
    await page.getByRole('heading', { name: 'Connect to a team server' }).waitFor();
    assert.strictEqual(await page.getByRole('radiogroup').count(), 0, 'no range switch without data');
    await page.getByRole('button', { name: 'Connect' }).click();
    const sent = await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent);
    assert.deepStrictEqual(sent.at(-1), { type: 'run', command: 'focusflow.connectTeam' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'activity-dark-disconnected.png'), fullPage: true });
    await assertClosedRoom(page, watch);
    await page.close();
  });

  it('replaces a remembered page it cannot draw (saved by an older version) with the host\'s fresh data', async () => {
    const stale = structuredClone(replies[7]) as Extract<HostMessage, { type: 'activity' }>;
    delete (stale.activity as Partial<typeof stale.activity>).today;
    const { page, watch } = await open({ theme: 'dark', replies: { 7: replies[7] }, state: { rangeDays: 7, last: stale } });
    await page.getByRole('heading', { name: 'Platform Team' }).waitFor();
    assert.deepStrictEqual(await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent), [{ type: 'ready', rangeDays: 7 }]);
    await assertClosedRoom(page, watch);
    await page.close();
  });

  it('shows a streak at the cap as "100+ days"', async () => {
    const long = structuredClone(replies[7]) as Extract<HostMessage, { type: 'activity' }>;
    long.activity.members[0].streak_days = MAX_STREAK_DAYS;
    const { page, watch } = await open({ theme: 'light', replies: { 7: long } });
    await page.getByRole('heading', { name: 'Platform Team' }).waitFor();
    assert.strictEqual(await page.locator('.streaks li').first().locator('.streak-days').innerText(), `${MAX_STREAK_DAYS}+ days`);
    await assertClosedRoom(page, watch);
    await page.close();
  });

  it('says so when the team has shared nothing in the range, and still lists its members', async () => {
    const quiet = structuredClone(replies[7]) as Extract<HostMessage, { type: 'activity' }>;
    quiet.activity.total_sessions = 0;
    quiet.activity.total_focus_hours = 0;
    const { page, watch } = await open({ theme: 'light', replies: { 7: quiet } });
    await page.getByText('No shared sessions in the last 7 days.').waitFor();
    assert.strictEqual(await page.locator('table.members tbody tr').count(), 6);
    await assertClosedRoom(page, watch);
    await page.close();
  });
});

