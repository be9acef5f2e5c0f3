// `--demo`: verified alice@example.com (owner) and bob@example.com (member) in "Demo Team" with a
// dozen shared sessions over the last week, carol@example.com in no team, and dave@example.com, also
// in no team, who signs in with a second factor (an authenticator app's code); password `focusflow-demo`.
// Seeded once; a restart on the same data dir keeps what is there.
import type { App } from './app';
import { newTotpSecret, otpauthUri } from './totp';
import { uuidV7 } from './uuid';

const TOTP_USER = 'dave@example.com';

export const DEMO_PASSWORD = 'focusflow-demo';

export function seedDemo(app: App): boolean {
  const seeded = seedTeam(app);
  return seedTotpUser(app) || seeded;
}

function seedTeam(app: App): boolean {
  if (app.users.byLogin('alice@example.com')) return false;
  const { db } = app;
  db.transaction(() => {
    const alice = app.users.create('alice@example.com', DEMO_PASSWORD, true);
    const bob = app.users.create('bob@example.com', DEMO_PASSWORD, true);
    app.users.create('carol@example.com', DEMO_PASSWORD, true);
    // The same paths a client takes: creating a team makes alice owner; bob joins by code.
    const team = db.prepare("INSERT INTO teams (name, created_by) VALUES ('Demo Team', ?) RETURNING id, invite_code")
      .get(alice.id) as { id: Buffer; invite_code: string };
    db.prepare('INSERT INTO join_requests (user, invite_code) VALUES (?, ?)').run(bob.id, team.invite_code);
    const insert = db.prepare(`INSERT INTO shared_sessions (id, team, user, local_session_id, start_time, end_time,
      planned_duration_minutes, actual_duration_seconds, completed, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const day = 24 * 3600 * 1000;
    const now = Date.now();
    for (let i = 0; i < 12; i++) {
      const user = i % 3 === 2 ? bob : alice;
      const start = new Date(now - (7 * day * (12 - i)) / 12 - 2 * 3600 * 1000);
      const planned = i % 4 === 0 ? 50 : 25;
      const completed = i % 5 !== 4;
      const seconds = completed ? planned * 60 : Math.floor(planned * 60 * 0.4);
      const end = new Date(start.getTime() + seconds * 1000);
      insert.run(uuidV7(), team.id, user.id, `demo-${i + 1}`, start.toISOString(), end.toISOString(), planned, seconds,
        completed ? 1 : 0, end.toISOString());
    }
  })();
  app.publishChanges();
  return true;
}

/** Added on its own, so a data dir seeded before two-factor sign-in existed gets it too. */
function seedTotpUser(app: App): boolean {
  if (app.users.byLogin(TOTP_USER)) return false;
  app.users.create(TOTP_USER, DEMO_PASSWORD, true, newTotpSecret());
  return true;
}

/** How to sign in as the two-factor demo user: the Key URI for an authenticator app. */
export function demoTotpNotice(app: App): string {
  const secret = app.users.byLogin(TOTP_USER)?.totp_secret;
  if (!secret) return '';
  return [
    `${TOTP_USER} signs in with a second factor. Add this to an authenticator app (most accept it pasted, or as a QR code):`,
    `  ${otpauthUri(secret, TOTP_USER, 'FocusFlow demo')}`,
  ].join('\n');
}
