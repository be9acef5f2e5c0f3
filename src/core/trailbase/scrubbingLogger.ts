import type { Logger } from '../logger';
import { scrubSecrets } from './scrub';

/** Wraps the injected logger so nothing the client logs can carry a token. */
export function scrubbingLogger(inner: Logger): Logger {
  const clean = (args: unknown[]) => args.map(cleanArg);
  return {
    trace: (m, ...a) => inner.trace(scrubSecrets(m), ...clean(a)),
    debug: (m, ...a) => inner.debug(scrubSecrets(m), ...clean(a)),
    info: (m, ...a) => inner.info(scrubSecrets(m), ...clean(a)),
    warn: (m, ...a) => inner.warn(scrubSecrets(m), ...clean(a)),
    error: (m, ...a) => inner.error(typeof m === 'string' ? scrubSecrets(m) : scrubSecrets(m.message), ...clean(a)),
  };
}

function cleanArg(arg: unknown): unknown {
  if (typeof arg === 'number' || typeof arg === 'boolean' || arg === undefined || arg === null) return arg;
  if (typeof arg === 'string') return scrubSecrets(arg);
  if (arg instanceof Error) return scrubSecrets(`${arg.name}: ${arg.message}`);
  try {
    return scrubSecrets(JSON.stringify(arg));
  } catch {
    return '[unserialisable value]';
  }
}
