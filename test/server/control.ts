// Test-only control routes under /__test__/ (present only with --test-control): faults, request
// statistics and pre-verified users, so tests can arrange a scenario without a mail round-trip.
import type { App } from './app';
import { HttpError } from './errors';
import { validateFaults } from './faults';
import { empty, json, jsonBody, type Reply, type Req } from './http';
import { toB64 } from './uuid';

export async function handleControl(app: App, req: Req): Promise<Reply> {
  switch (`${req.method} ${req.path}`) {
    case 'PUT /__test__/faults':
    case 'POST /__test__/faults':
      try {
        app.faults.set(validateFaults(jsonBody(req)));
      } catch (err) {
        if (err instanceof HttpError) throw err;
        throw new HttpError(400, (err as Error).message);
      }
      return empty();
    case 'DELETE /__test__/faults':
      app.faults.clear();
      return empty();
    case 'GET /__test__/stats':
      return json({ requests: Object.fromEntries(app.stats) });
    case 'POST /__test__/stats/reset':
      app.stats.clear();
      return empty();
    case 'POST /__test__/users': {
      const { email, password, totp_secret: totpSecret } = jsonBody(req) as { email?: unknown; password?: unknown; totp_secret?: unknown };
      if (typeof email !== 'string' || typeof password !== 'string') throw new HttpError(400, 'email and password required');
      if (totpSecret !== undefined && typeof totpSecret !== 'string') throw new HttpError(400, 'totp_secret must be base32 text');
      const user = app.auth.createVerifiedUser(email, password, totpSecret);
      return json({ id: toB64(user.id) });
    }
    case 'DELETE /__test__/users/totp': {
      // Turns two-factor sign-in off for an account, as TrailBase's totp/unregister would.
      const { email } = jsonBody(req) as { email?: unknown };
      const user = typeof email === 'string' ? app.users.byLogin(email) : undefined;
      if (!user) throw new HttpError(404);
      app.users.setTotpSecret(user.id, null);
      return empty();
    }
    case 'GET /__test__/mail':
      return json(app.auth.outbox);
    case 'GET /__test__/memory':
      // After a full collection (when the process allows one), so what is left is what the server keeps.
      (globalThis as { gc?: () => void }).gc?.();
      return json(process.memoryUsage());
  }
  throw new HttpError(404);
}
