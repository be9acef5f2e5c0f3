// Injected faults for tests, set from flags at start or through /__test__/faults at run time:
// latency, a share of 500/503 replies, 429 + Retry-After on every Nth request, an HTML page where
// JSON is expected, and connections destroyed before or after a write commits.

export interface Faults {
  latencyMs?: number;
  errorRate?: number;
  /** 502 and 504 are what a reverse proxy in front of the server answers while it is down. */
  errorStatus?: 500 | 502 | 503 | 504;
  rateLimit?: { every: number; retryAfterSeconds: number };
  dropBeforeCommit?: number;
  dropAfterCommit?: number;
  paths?: string;
  htmlReply?: boolean;
}

export type FaultDecision =
  | { kind: 'pass'; dropAfterCommit: boolean }
  | { kind: 'reply'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'drop' };

const PASS: FaultDecision = { kind: 'pass', dropAfterCommit: false };

export function validateFaults(v: unknown): Faults {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('faults must be an object');
  const f = v as Faults;
  const share = (x: unknown): boolean => x === undefined || (typeof x === 'number' && x >= 0 && x <= 1);
  if (!share(f.errorRate) || !share(f.dropBeforeCommit) || !share(f.dropAfterCommit)) throw new Error('shares must be within 0..1');
  if (f.errorStatus !== undefined && ![500, 502, 503, 504].includes(f.errorStatus)) throw new Error('errorStatus must be 500, 502, 503 or 504');
  if (f.latencyMs !== undefined && !(typeof f.latencyMs === 'number' && f.latencyMs >= 0)) throw new Error('latencyMs must be >= 0');
  if (f.rateLimit !== undefined && !(Number.isInteger(f.rateLimit.every) && f.rateLimit.every >= 1)) throw new Error('rateLimit.every must be >= 1');
  if (f.paths !== undefined) new RegExp(f.paths);
  return f;
}

export class FaultInjector {
  private faults: Faults = {};
  private pathRe: RegExp | undefined;
  private seen = 0;

  set(f: Faults): void {
    this.faults = validateFaults(f);
    this.pathRe = f.paths === undefined ? undefined : new RegExp(f.paths);
    this.seen = 0;
  }

  clear(): void {
    this.set({});
  }

  async decide(method: string, path: string): Promise<FaultDecision> {
    const f = this.faults;
    if (this.pathRe && !this.pathRe.test(path)) return PASS;
    if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
    this.seen++;
    if (f.rateLimit && this.seen % f.rateLimit.every === 0) {
      return { kind: 'reply', status: 429, headers: { 'retry-after': String(f.rateLimit.retryAfterSeconds) }, body: 'Too Many Requests' };
    }
    if (f.errorRate && Math.random() < f.errorRate) {
      return { kind: 'reply', status: f.errorStatus ?? 500, headers: {}, body: '' };
    }
    if (f.htmlReply && /^\/api\/(records|auth|transaction)\//.test(path)) {
      return {
        kind: 'reply', status: 200, headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<!doctype html><html><head><title>Sign in</title></head><body>Captive portal</body></html>',
      };
    }
    const isWrite = method !== 'GET' && /^\/api\/(records\/v1\/[^/]+(\/[^/]+)?|transaction\/v1\/execute)$/.test(path);
    if (isWrite && f.dropBeforeCommit && Math.random() < f.dropBeforeCommit) return { kind: 'drop' };
    return { kind: 'pass', dropAfterCommit: isWrite && !!f.dropAfterCommit && Math.random() < f.dropAfterCommit };
  }
}

/** Faults from command-line flags (same fields as the control endpoint). */
export function faultsFromFlags(flag: (name: string) => string | undefined, has: (name: string) => boolean): Faults {
  const num = (name: string): number | undefined => (flag(name) === undefined ? undefined : Number(flag(name)));
  const every = num('--rate-limit-every');
  return validateFaults({
    latencyMs: num('--latency-ms'),
    errorRate: num('--error-rate'),
    errorStatus: num('--error-status') as Faults['errorStatus'],
    rateLimit: every === undefined ? undefined : { every, retryAfterSeconds: num('--retry-after') ?? 1 },
    dropBeforeCommit: num('--drop-before-commit'),
    dropAfterCommit: num('--drop-after-commit'),
    paths: flag('--fault-paths'),
    htmlReply: has('--html-reply') || undefined,
  });
}
