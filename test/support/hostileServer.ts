// A deliberately hostile HTTP server on loopback for tests of the client's network boundary: every
// request is answered by a handler the test sets, byte for byte (any status, headers, invalid UTF-8,
// a body cut short mid-way), so the real client reads real sockets, as it would behind a broken proxy.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Announce the whole body's length but close the connection after this many bytes. */
  truncateAt?: number;
  /** Takes over the response (a live event stream): the test writes to it and ends it. */
  stream?: (res: http.ServerResponse) => void;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type HostileHandler = (req: SeenRequest) => HostileReply | Promise<HostileReply>;

export class HostileServer {
  private handler: HostileHandler = () => ({ status: 404, body: '' });
  readonly seen: SeenRequest[] = [];

  private readonly server = http.createServer((req, res) => void this.answer(req, res));
  url = '';

  private constructor() {
    this.server.keepAliveTimeout = 60_000;
  }

  static async start(): Promise<HostileServer> {
    const self = new HostileServer();
    await new Promise<void>((resolve) => self.server.listen(0, '127.0.0.1', resolve));
    self.url = `http://127.0.0.1:${(self.server.address() as AddressInfo).port}`;
    return self;
  }

  get host(): string {
    return new URL(this.url).host;
  }

  respond(handler: HostileHandler): void {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    this.seen.push(seen);
    let reply: HostileReply;
    try {
      reply = await this.handler(seen);
    } catch (err) {
      reply = { status: 599, body: `test handler failed: ${(err as Error).message}` };
    }
    if (reply.stream) {
      res.writeHead(reply.status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
      res.flushHeaders();
      reply.stream(res);
      return;
    }
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : (reply.body ?? Buffer.alloc(0));
    const headers: Record<string, string> = { 'content-type': 'application/json', ...reply.headers };
    if (reply.truncateAt !== undefined) {
      res.writeHead(reply.status, { ...headers, 'content-length': String(body.length) });
      res.write(body.subarray(0, reply.truncateAt), () => res.destroy());
      return;
    }
    res.writeHead(reply.status, { ...headers, 'content-length': String(body.length) });
    res.end(body);
  }
}

/** A JWT as TrailBase signs it, with any claims; the client never checks the signature. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}
