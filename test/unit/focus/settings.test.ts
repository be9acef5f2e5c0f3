import assert from 'node:assert/strict';
import { defaultFocusSettings, sanitizeSettings } from '../../../src/core/focus/settings';

describe('focus settings from settings.json', () => {
  it('keeps valid values', () => {
    const s = { focusMinutes: 50, shortBreakMinutes: 10, longBreakMinutes: 30, longBreakEvery: 0, autoPauseIdleMinutes: 5 };
    assert.deepEqual(sanitizeSettings(s), s);
  });

  it('falls back to the default for each value a hand edit broke', () => {
    const s = sanitizeSettings({ focusMinutes: 0, shortBreakMinutes: '5', longBreakMinutes: 2000, longBreakEvery: -1, autoPauseIdleMinutes: 1.5 });
    assert.deepEqual(s, defaultFocusSettings);
  });

  it('uses the defaults when nothing is set: 25/5/15, long break every 4, auto-pause off', () => {
    assert.deepEqual(sanitizeSettings({}), { focusMinutes: 25, shortBreakMinutes: 5, longBreakMinutes: 15, longBreakEvery: 4, autoPauseIdleMinutes: 0 });
  });
});
