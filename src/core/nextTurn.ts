/**
 * Resolves after the current turn of the event loop, once other queued work has had its go. Node has
 * setImmediate; a browser's web worker does not, and a macrotask through a MessageChannel is its
 * equivalent there (a 0 ms timer can be clamped to 4 ms when nested).
 */
export function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (immediate) return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
