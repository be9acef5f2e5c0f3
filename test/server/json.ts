// JSON with 64-bit integers, as TrailBase's serde_json reads and writes it: an integer in a request
// body is an i64 (a u64 above i64's range wraps, as `flat_json_to_value` casts it), and an INTEGER
// column's value goes out as the exact decimal. JavaScript numbers hold integers exactly only up to
// 2^53, so integers beyond that travel as bigint between here and SQLite.
//
// `lossless-json` parses with the number's source text in hand; plain JSON.parse still does every
// body without a long digit run, which is nearly all of them.
import { parse, stringify } from 'lossless-json';

const LONG_DIGIT_RUN = /\d{16}/;
const INTEGER = /^-?\d+$/;
const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

function parseNumber(text: string): number | bigint {
  if (!INTEGER.test(text)) return Number(text);
  const n = Number(text);
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(text);
  // Beyond u64, serde_json reads a float.
  if (big < I64_MIN || big > U64_MAX) return n;
  return BigInt.asIntN(64, big);
}

export function parseJson(text: string): unknown {
  return LONG_DIGIT_RUN.test(text) ? parse(text, null, parseNumber) : JSON.parse(text);
}

/** Like JSON.stringify, but a bigint is written as its exact digits. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError) || !/BigInt/i.test(err.message)) throw err;
    return stringify(value) ?? 'null';
  }
}
