// The TrailBase-compatible HTTP server: routing by TrailBase's paths, fault injection in front of
// every API request, change publishing after every write, and the /__test__ control routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { AuthApi, type AuthOptions } from './auth';
import { ChangeCapture } from './changes';
import { ANY_ORIGIN, applyCors, type CorsOrigins } from './cors';
import { loadServerConfig, type ServerConfig } from './config';
import { handleControl } from './control';
import { keepStatisticsFresh, migrate, openDatabase, type Db } from './db';
import { HttpError, apiNotFound } from './errors';
import { FaultInjector } from './faults';
import { errorReply, json, jsonBody, jsonOrFormBody, readBody, send, text, type Reply, type Req } from './http';
import { RecordApi } from './recordApi';
import { listRecords, readRecord } from './recordsRead';
import { createRecords, prepareDelete, prepareUpdate, runSingleChange, runUpdate } from './recordsWrite';
import { SubscriptionManager } from './sse';
import { JwtKeys } from './tokens';
import { executeTransaction } from './transactions';
import { Users } from './users';
import { primaryKeyToValue } from './values';

export interface AppOptions extends Omit<AuthOptions, 'baseUrl'> {
  dataDir: string;
  depotDir: string;
  testControl: boolean;
  /** `--cors-allowed-origins`; default `*` as on TrailBase. */
  corsAllowedOrigins?: CorsOrigins;
}

export class App {
  readonly db: Db;
  readonly config: ServerConfig;
  readonly apis = new Map<string, RecordApi>();
  readonly users: Users;
  readonly auth: AuthApi;
  readonly faults = new FaultInjector();
  readonly stats = new Map<string, number>();
  private readonly capture: ChangeCapture;
  private readonly subscriptions: SubscriptionManager;
  private readonly stopOptimizer: () => void;
  readonly server: Server;

  constructor(readonly o: AppOptions) {
    this.db = openDatabase(o.dataDir);
    migrate(this.db, join(o.depotDir, 'migrations', 'main'));
    this.stopOptimizer = keepStatisticsFresh(this.db, 10_000);
    this.config = loadServerConfig(join(o.depotDir, 'config.textproto'));
    for (const c of this.config.recordApis) this.apis.set(c.name, new RecordApi(this.db, c));
    this.users = new Users(this.db, o.dataDir);
    this.auth = new AuthApi(this.users, new JwtKeys(o.dataDir), { ...o, baseUrl: () => this.url });
    this.capture = new ChangeCapture(this.db);
    this.subscriptions = new SubscriptionManager(this.db, this.capture);
    this.server = createServer((req, res) => void this.onRequest(req, res));
    // Like hyper under TrailBase, keep idle connections open for long: a short idle timeout races
    // clients that reuse a socket just as the server closes it, a reset TrailBase would not cause.
    this.server.keepAliveTimeout = 120_000;
  }

  get url(): string {
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : 'http://127.0.0.1';
  }

  close(): void {
    this.stopOptimizer();
    this.subscriptions.closeAll();
    this.server.close();
    this.server.closeAllConnections();
    this.db.close();
    this.users.sessions.close();
  }

  private async onRequest(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(raw.url ?? '/', 'http://127.0.0.1');
    const method = raw.method ?? 'GET';
    // TrailBase's CORS layer sits in front of every route (and of what faults stand for): an OPTIONS
    // request never reaches a route, the statistics or a fault
    if (applyCors(this.o.corsAllowedOrigins ?? ANY_ORIGIN, raw, res)) return;
    try {
      if (url.pathname.startsWith('/__test__/') && this.o.testControl) {
        const body = await readBody(raw, this.config.requestSizeLimitBytes);
        send(res, await handleControl(this, { method, path: url.pathname, search: url.searchParams, headers: raw.headers, body }));
        return;
      }
      const key = `${method} ${statsPattern(url.pathname)}`;
      this.stats.set(key, (this.stats.get(key) ?? 0) + 1);
      // The body is read before any fault: a reply sent mid-upload would reach the client as a reset.
      const body = await readBody(raw, this.config.requestSizeLimitBytes);
      const decision = await this.faults.decide(method, url.pathname);
      if (decision.kind === 'drop') {
        raw.socket.destroy();
        return;
      }
      if (decision.kind === 'reply') {
        res.writeHead(decision.status, { 'content-type': 'text/plain', ...decision.headers });
        res.end(decision.body);
        return;
      }
      const req: Req = { method, path: url.pathname, search: url.searchParams, headers: raw.headers, body };
      const reply = this.route(req, res);
      if (!reply) return; // a streaming reply (SSE) owns the response
      if (decision.dropAfterCommit) {
        raw.socket.destroy();
        return;
      }
      send(res, reply);
    } catch (err) {
      if (err instanceof HttpError) {
        send(res, errorReply(err));
      } else {
        console.error(err);
        send(res, { status: 500, empty: true });
      }
    } finally {
      // Also after a failed request: a transaction without `transaction: true` keeps what it did
      // before the failing operation, and subscribers must hear of it.
      this.publishChanges();
    }
  }

  private route(req: Req, res: ServerResponse): Reply | undefined {
    const p = req.path;
    if (p.startsWith('/api/auth/v1/')) return this.auth.handle(req, p.slice('/api/auth/v1/'.length));
    if (p === '/api/transaction/v1/execute') {
      if (!this.config.enableRecordTransactions) throw new HttpError(404);
      if (req.method !== 'POST') throw new HttpError(405);
      return json(executeTransaction(this.db, this.apis, this.auth.userOf(req), jsonBody(req)));
    }
    const m = /^\/api\/records\/v1\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(p);
    if (!m) throw new HttpError(404);
    const [, name, second, third] = m;
    const user = this.auth.userOf(req);
    const api = this.apis.get(name);
    if (second === 'subscribe' && third !== undefined && req.method === 'GET') {
      if (!api) throw apiNotFound();
      if (!api.config.enableSubscriptions) throw new HttpError(403);
      let pk;
      if (third === '*') api.checkTableLevel('READ', user);
      else {
        pk = primaryKeyToValue(api.schema, third);
        api.checkAccess('READ', user, pk);
      }
      this.subscriptions.subscribe(api, user, res, pk, req.search);
      return undefined;
    }
    if (third !== undefined) throw new HttpError(404);
    const allowed = second === undefined ? ['GET', 'POST'] : ['GET', 'PATCH', 'DELETE'];
    if (!allowed.includes(req.method)) throw new HttpError(405);
    if (!api) throw apiNotFound();
    if (second === undefined) {
      if (req.method === 'GET') return json(listRecords(this.db, api, user, req.search));
      return json(createRecords(this.db, api, user, jsonOrFormBody(req)));
    }
    if (req.method === 'GET') return json(readRecord(this.db, api, user, second, req.search));
    if (req.method === 'PATCH') {
      runUpdate(this.db, prepareUpdate(api, user, second, jsonOrFormBody(req)));
      return { status: 200, empty: true };
    }
    runSingleChange(this.db, prepareDelete(api, user, second));
    return text('deleted');
  }

  /** For seeding and the test control: a write done outside a request still reaches subscribers. */
  publishChanges(): void {
    this.subscriptions.publish(this.capture.drain());
  }
}

/** "METHOD /path" with record ids folded to `:id`, e.g. "PATCH /api/records/v1/shared_sessions/:id". */
function statsPattern(path: string): string {
  const m = /^(\/api\/records\/v1\/[^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
  if (!m) return path.replace(/\/verify_email\/confirm\/.+$/, '/verify_email/confirm/:code');
  if (m[2] === 'subscribe' && m[3] !== undefined) return `${m[1]}/subscribe/${m[3] === '*' ? '*' : ':id'}`;
  return m[2] === undefined ? m[1] : `${m[1]}/:id`;
}
