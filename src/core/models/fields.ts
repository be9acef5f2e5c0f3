import { z } from 'zod';
import { isUuid, uuidToBase64 } from '../ids';

/**
 * Field schemas shared by the models. Locally every id is a hyphenated UUID; on the wire TrailBase spells
 * the same 16 bytes as url-safe base64 with padding. Messages say what a valid value looks like.
 */
export const localIdField = z.string().refine(isUuid, { error: 'must be a hyphenated UUID' });

export const remoteIdField = z.string().regex(/^[A-Za-z0-9_-]{22}==$/, { error: 'must be a TrailBase record id (url-safe base64)' });

export const isoTimeField = z.iso.datetime({ error: 'must be an ISO 8601 UTC time such as 2025-01-31T09:30:00.000Z' });

export const epochMsField = z.number().int({ error: 'must be whole epoch milliseconds' }).nonnegative({ error: 'must not be negative' });

/** TrailBase's INTEGER flags are 0 or 1 on the wire. */
export const remoteFlagField = z.union([z.literal(0), z.literal(1)], { error: 'must be 0 or 1' });

/** A stored remote id must be the remote spelling of the record's own id: anything else is a corrupt row. */
export function checkRemoteIdMatches(ctx: z.RefinementCtx, id: string, remoteId: string | null, field: string): void {
  if (remoteId !== null && isUuid(id) && remoteId !== uuidToBase64(id)) {
    ctx.addIssue({ code: 'custom', path: [field], message: `must be the TrailBase spelling of id ${id}` });
  }
}

export const isoFromMs = (ms: number): string => new Date(ms).toISOString();
