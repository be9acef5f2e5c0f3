import { z } from 'zod';
import type { TrailBaseClient } from '../trailbase';
import { classifyFailure, type ClassifyOptions, type Failure } from './engineErrors';

/** Times the same update is sent in all, with a read of its record before each resend, before a 500 counts as a refusal. */
export const UPDATE_SENDS_BEFORE_REFUSAL = 4;

const anyRecord = z.unknown();

export interface RefusedUpdate {
  api_name: string;
  record_id: string;
  value: Record<string, unknown>;
}

/** An empty 500 without Retry-After: how TrailBase answers an update that failed, and an internal error alike. */
export function isBare500(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 500 && (err as { retryAfterMs?: unknown }).retryAfterMs === undefined;
}

/**
 * TrailBase answers every failed PATCH (a CHECK or trigger of the server kit refusing the values, no
 * row left to update) with an empty 500, just as it answers a server in trouble; the 500 alone would
 * keep the change retrying for hours. The server's own answers tell them apart: it reads the record
 * back, and the same update is sent again right away. A record it no longer shows, or an update refused
 * again and again while reads of that very record succeed, is a refusal for good, with a message that
 * says what to do. A read that fails too (the server is unwell) leaves the first failure as it was.
 * Resolves to undefined when a resend went through.
 */
export async function judgeUpdate500(
  client: TrailBaseClient,
  update: RefusedUpdate,
  first: Failure,
  classify: ClassifyOptions | undefined,
  sends = UPDATE_SENDS_BEFORE_REFUSAL,
): Promise<Failure | undefined> {
  const api = client.records(update.api_name, anyRecord);
  const thing = update.api_name.replace(/_/g, ' ').replace(/s$/, '');
  for (let sent = 1; ; sent++) {
    try {
      await api.read(update.record_id);
    } catch (err) {
      const failure = classifyFailure(err, classify);
      if (failure.kind !== 'permanent') return failure.kind === 'transient' ? first : failure;
      return {
        kind: 'permanent',
        error: err,
        message:
          `The server no longer has this ${thing}, or you can no longer see it (it was deleted, or you left its team), so this change cannot be applied. ` +
          'Clear it with "FocusFlow: Clear Failed Sync Changes"; your own copy stays on this machine.',
      };
    }
    if (sent >= sends) {
      return {
        kind: 'permanent',
        error: first.error,
        message:
          `The server refused this change to a ${thing} ${sent} times in a row while it read the ${thing} back without trouble, so the change breaks one of its rules ` +
          '(TrailBase answers a refused update with an empty HTTP 500 that gives no reason). Your team server may run a changed or newer FocusFlow server kit: ' +
          'ask its admin, or update FocusFlow, then run "FocusFlow: Retry Failed Sync Changes"; or clear the change with "FocusFlow: Clear Failed Sync Changes" (your own copy stays on this machine).',
      };
    }
    try {
      await api.update(update.record_id, update.value);
      return undefined;
    } catch (err) {
      if (!isBare500(err)) return classifyFailure(err, classify);
    }
  }
}
