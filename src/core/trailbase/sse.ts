/** One dispatched Server-Sent Event. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** The largest live event FocusFlow reads (a TrailBase change event is a few KB); more is dropped unread. */
export const MAX_EVENT_CHARS = 1024 * 1024;

/**
 * An incremental Server-Sent Events parser (WHATWG HTML §9.2.6). Network chunks split lines, fields,
 * CRLF pairs and multi-byte UTF-8 characters anywhere, so everything is buffered until a line is
 * complete; an event is dispatched only at the blank line that ends it.
 *
 * Unlike a browser, it drops what it cannot take whole: an event over `maxEventChars` or one with bytes
 * that are not UTF-8 is skipped up to its closing blank line and reported to `onMalformed`, so memory
 * stays bounded and no event is delivered with replacement characters in place of its text.
 */
export class SseParser {
  /** Per line, so a bad byte costs only its own event; the BOM is ours to strip (first line only). */
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** The bytes of a line not yet complete. Lines are split on bytes: CR and LF never occur inside a UTF-8 character. */
  private pending: Uint8Array = new Uint8Array(0);
  /** Skipping the rest of an event that was dropped. */
  private discarding = false;
  private dataChars = 0;
  private sawCarriageReturn = false;
  private firstLine = true;
  private data: string[] = [];
  private eventType = '';
  private lastId: string | undefined;

  constructor(
    private readonly onMessage: (message: SseMessage) => void,
    private readonly onComment?: (text: string) => void,
    private readonly onMalformed?: (problem: string) => void,
    private readonly maxEventChars: number = MAX_EVENT_CHARS,
  ) {}

  feed(chunk: Uint8Array | string): void {
    const incoming = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    let bytes = incoming;
    if (this.pending.length > 0) {
      bytes = new Uint8Array(this.pending.length + incoming.length);
      bytes.set(this.pending);
      bytes.set(incoming, this.pending.length);
    }
    let start = 0;
    // A CR ending the previous chunk already ended its line; a LF opening this one belongs to it.
    if (this.sawCarriageReturn && bytes[0] === 10) start = 1;
    this.sawCarriageReturn = false;
    for (let i = start; i < bytes.length; i++) {
      const b = bytes[i];
      if (b !== 10 && b !== 13) continue;
      this.lineBytes(bytes.subarray(start, i));
      if (b === 13) {
        if (i + 1 === bytes.length) this.sawCarriageReturn = true;
        else if (bytes[i + 1] === 10) i++;
      }
      start = i + 1;
    }
    this.pending = bytes.slice(start);
    if (this.pending.length + this.dataChars > this.maxEventChars) {
      this.pending = new Uint8Array(0);
      this.drop(`an event larger than ${this.maxEventChars} characters`);
    }
  }

  private lineBytes(bytes: Uint8Array): void {
    let line: string;
    try {
      line = this.decoder.decode(bytes);
    } catch {
      if (!this.discarding) this.drop('bytes that are not UTF-8 text');
      return;
    }
    this.line(line);
  }

  /** Forgets the event being read and skips to its end (the next blank line); reported once per event. */
  private drop(problem: string): void {
    this.data = [];
    this.dataChars = 0;
    this.eventType = '';
    if (!this.discarding) this.onMalformed?.(problem);
    this.discarding = true;
  }

  private line(raw: string): void {
    let line = raw;
    if (this.firstLine) {
      this.firstLine = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (line === '') {
      if (this.discarding) {
        this.discarding = false;
        this.data = [];
        this.dataChars = 0;
        this.eventType = '';
        return;
      }
      return this.dispatch();
    }
    if (this.discarding) return;
    if (line.startsWith(':')) {
      this.onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.dataChars += value.length + 1;
        if (this.dataChars > this.maxEventChars) this.drop(`an event larger than ${this.maxEventChars} characters`);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // `retry` and unknown fields: reconnection timing is ours to decide, so they are ignored.
        break;
    }
  }

  private dispatch(): void {
    if (this.data.length > 0) {
      this.onMessage({
        event: this.eventType || 'message',
        data: this.data.join('\n'),
        ...(this.lastId !== undefined ? { id: this.lastId } : {}),
      });
    }
    this.data = [];
    this.dataChars = 0;
    this.eventType = '';
  }
}
