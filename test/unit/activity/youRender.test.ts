import * as assert from 'assert';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { getPersonalActivity, type RangeDays } from '../../../src/core/activity';
import type { HostMessage, TeamLink } from '../../../src/webview/protocol';
import { insertLocalSession } from './localSeed';
import { openTempStore, prng } from './seed';
import { ARTIFACTS, rgbToHex, useChromiumRoom } from './webviewPage';

const NOW = Date.parse('2026-03-10T16:30:00.000Z');
const TIME_ZONE = 'Europe/Berlin';

/** A month of one person's focus, made by the real aggregation over a real database. */
async function personalReplies(team: TeamLink, goalMinutes = 120): Promise<Record<RangeDays, HostMessage>> {
  const store = await openTempStore();
  const random = prng(3);
  await store.write((db) => {
    for (let day = 0; day < 40; day++) {
      if (day % 9 === 4) continue;
      const sessions = 1 + Math.floor(random() * 4);
      for (let k = 0; k < sessions; k++) {
        // Mornings and early afternoons in Berlin, a few late evenings running past midnight.
        const hour = k === 3 ? 22.9 : 7 + k * 2 + random() * 2;
        const start = Date.parse('2026-03-10T00:00:00Z') - day * 864e5 + hour * 36e5;
        if (start > NOW) continue;
        insertLocalSession(db, { start: new Date(start).toISOString(), spanMinutes: 25 + Math.floor(random() * 25), state: random() < 0.15 ? 'cancelled' : 'completed' });
      }
    }
  });
  const reply = (rangeDays: RangeDays): HostMessage => ({
    type: 'personal',
    team,
    activity: store.read((db) => getPersonalActivity(db, { rangeDays, now: NOW, timeZone: TIME_ZONE, goalMinutes })),
  });
  const replies = { 7: reply(7), 30: reply(30) };
  await store.close();
  return replies;
}


describe('the "You" page in headless Chromium', function () {
  this.timeout(60_000);
  let solo: Record<RangeDays, HostMessage>;
  const { open, assertClosedRoom } = useChromiumRoom(async () => {
    solo = await personalReplies('disconnected');
  }, 1000);

  const sent = (page: Page) => page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent);

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`shows your own week, goal, streak and hours in the ${theme} theme, with no team needed (screenshot in test-artifacts)`, async () => {
      const { page, watch } = await open({ theme, replies: solo });
      await page.getByRole('heading', { name: 'You', exact: true }).waitFor();
      const a = (solo[7] as Extract<HostMessage, { type: 'personal' }>).activity;
      assert.strictEqual(await page.locator('.bars rect.bar').count(), 7, 'a bar per day');
      assert.strictEqual(await page.locator('.week rect.cell').count(), 7 * 24, 'a cell per weekday and hour');
      const today = await page.getByRole('group', { name: 'Today' }).innerText();
      assert.match(today, /the 2 h goal|Goal reached/);
      const goal = page.getByRole('progressbar', { name: 'Daily goal' });
      assert.strictEqual(Number(await goal.getAttribute('aria-valuenow')), Math.min(a.today.focus_minutes, 120));
      assert.match(await page.getByRole('group', { name: 'Streak' }).innerText(), new RegExp(`Longest: ${a.streak.longest} day`));
      assert.match(await page.getByRole('group', { name: 'Completed' }).innerText(), new RegExp(`${a.outcomes.completed} of ${a.outcomes.completed + a.outcomes.cancelled}`));
      // The team action sits below, not in place of the page.
      assert.ok(await page.getByRole('heading', { name: 'Connect to a team server' }).isVisible());
      assert.strictEqual(await page.getByRole('radiogroup', { name: 'Page' }).count(), 0, 'no You/Team switch without a team');
      const barFill = await page.locator('.bars rect.bar').first().evaluate((el) => getComputedStyle(el).fill);
      const expected = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-blue').trim());
      assert.strictEqual(rgbToHex(barFill), expected, 'bars take the theme colour');
      const heading = await page.getByRole('heading', { name: 'You', exact: true }).evaluate((el) => getComputedStyle(el).color);
      const fg = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-foreground').trim());
      assert.strictEqual(rgbToHex(heading), fg, 'text takes the theme foreground');
      await page.screenshot({ path: path.join(ARTIFACTS, `activity-you-${theme}.png`), fullPage: true });
      await assertClosedRoom(page, watch);
      await page.close();
    });
  }

  it('reaches everything by keyboard and offers each day as text', async () => {
    const { page, watch } = await open({ theme: 'dark', replies: solo });
    await page.getByRole('heading', { name: 'You', exact: true }).waitFor();
    await page.keyboard.press('Tab');
    assert.strictEqual(await page.evaluate(() => document.activeElement?.textContent), '7 days');
    await page.keyboard.press('Tab');
    assert.strictEqual(await page.evaluate(() => document.activeElement?.textContent), 'Each day as a table');
    await page.keyboard.press('Enter');
    const rows = page.locator('.day-table tbody tr');
    assert.strictEqual(await rows.count(), 7);
    const a = (solo[7] as Extract<HostMessage, { type: 'personal' }>).activity;
    assert.match(await rows.first().innerText(), /Tue 10 Mar/, 'today first');
    assert.match(await rows.first().innerText(), new RegExp(String(a.days[6].sessions)));
    assert.ok(await rows.first().isVisible());
    // The week chart names its busiest hours for a screen reader.
    assert.match((await page.locator('svg.week').getAttribute('aria-label')) ?? '', /Most focused: \w+day \d\d:00/);
    await page.keyboard.press('Tab');
    assert.strictEqual(await page.evaluate(() => document.activeElement?.textContent), 'Connect');
    await page.keyboard.press('Enter');
    assert.deepStrictEqual((await sent(page)).at(-1), { type: 'run', command: 'focusflow.connectTeam' });
    // 30 days by keyboard: back to the switch, then the arrow key.
    await page.getByRole('radio', { name: '7 days' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('.bars rect.bar').length === 30);
    assert.ok(await page.getByRole('group', { name: 'Last 30 days' }).isVisible());
    await assertClosedRoom(page, watch);
    await page.close();
  });

  it('in a team, switches between You and Team by keyboard and remembers the page', async () => {
    const inTeam = await personalReplies('available');
    const { page, watch } = await open({ theme: 'light', replies: inTeam });
    await page.getByRole('heading', { name: 'You', exact: true }).waitFor();
    assert.strictEqual(await page.getByRole('heading', { name: 'Connect to a team server' }).count(), 0, 'no connect note in a team');
    await page.keyboard.press('Tab');
    assert.strictEqual(await page.getByRole('radio', { name: 'You' }).getAttribute('aria-checked'), 'true');
    await page.keyboard.press('ArrowRight');
    assert.strictEqual(await page.getByRole('radio', { name: 'Team' }).getAttribute('aria-checked'), 'true');
    assert.deepStrictEqual(await sent(page), [{ type: 'ready', rangeDays: 7 }, { type: 'setPage', page: 'team' }]);
    assert.strictEqual((await page.evaluate(() => (window as unknown as { __state: { page: string } }).__state)).page, 'team');
    await assertClosedRoom(page, watch);
    await page.close();
  });

  it('says so when there is no focus yet, and still shows the goal', async () => {
    const empty = structuredClone(solo[7]) as Extract<HostMessage, { type: 'personal' }>;
    const a = empty.activity;
    a.days = a.days.map((d) => ({ ...d, focus_hours: 0, sessions: 0 }));
    Object.assign(a, { total_sessions: 0, total_focus_hours: 0, today: { ...a.today, focus_minutes: 0, sessions: 0 }, heatmap: a.heatmap.map((r) => r.map(() => 0)) });
    const { page, watch } = await open({ theme: 'dark', replies: { 7: empty } });
    await page.getByText('No completed focus in the last 7 days.').waitFor();
    assert.match(await page.getByRole('group', { name: 'Today' }).innerText(), /0% of the 2 h goal/);
    assert.match((await page.locator('svg.week').getAttribute('aria-label')) ?? '', /No focus yet/);
    await assertClosedRoom(page, watch);
    await page.close();
  });
});
