import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Loads the sql.js module once per process. The extension passes the wasm bytes it read from its own
 * dist folder, so sql.js never tries to fetch or locate the file itself.
 */
export function loadSqlJs(wasmBinary?: Uint8Array): Promise<SqlJsStatic> {
  if (!loading) {
    const wasm = wasmBinary?.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength);
    loading = initSqlJs(wasm ? { wasmBinary: wasm as ArrayBuffer } : undefined);
    loading.catch(() => (loading = undefined));
  }
  return loading;
}
