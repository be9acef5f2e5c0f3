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
  private decoder = new TextDecoder('utf-8', { fatal: true });
  private buffer = '';
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
    let text: string;
    try {
      text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    } catch {
      this.decoder = new TextDecoder('utf-8', { fatal: true });
      this.drop('bytes that are not UTF-8 text');
      return;
    }
    // A CR ending the previous chunk already ended its line; a LF opening this one belongs to it.
    if (this.sawCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.sawCarriageReturn = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.line(this.buffer.slice(start, i));
      if (ch === 13) {
        if (i + 1 === this.buffer.length) this.sawCarriageReturn = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length + this.pendingChars() > this.maxEventChars) this.drop(`an event larger than ${this.maxEventChars} characters`);
  }

  private pendingChars(): number {
    return this.dataChars;
  }

  /** Forgets the event being read and skips to its end; reported once per event. */
  private drop(problem: string, clearBuffer = true): void {
    // Within `feed`'s loop over the buffer, only the event so far goes; the loop reads on past it.
    if (clearBuffer) this.buffer = '';
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
        if (this.pendingChars() > this.maxEventChars) this.drop(`an event larger than ${this.maxEventChars} characters`, false);
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
