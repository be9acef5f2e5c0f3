// Local TrailBase-compatible servers for integration tests, in any extension host: the same TestServer
// as test/server/harness.ts, driven over HTTP through the launcher run-integration.js started on the
// Node side (test/host/launcher.ts), since a web worker host can start no process of its own.
import type { Faults, StartOptions, TestServer } from '../server/harness';
import { testConfig } from './testConfig';

async function post<T>(path: string, body: unknown): Promise<T> {
  const { launcherUrl } = await testConfig();
  const res = await fetch(`${launcherUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const reply = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`launcher ${path}: ${res.status} ${reply.error ?? ''}`);
  return reply;
}

/** Starts a local server process (port 0, its own data folder) with the harness's options. */
export async function startTestServer(o: StartOptions = {}): Promise<TestServer> {
  const started = await post<{ id: string; url: string; dataDir: string }>('/servers', o);
  let url = started.url;
  const call = async <R>(method: string, ...args: unknown[]): Promise<R> => {
    const reply = await post<{ result: R; url: string }>(`/servers/${started.id}/${method}`, args);
    url = reply.url;
    return reply.result;
  };
  return {
    get url() {
      return url;
    },
    dataDir: started.dataDir,
    stop: () => call('stop'),
    restart: () => call('restart'),
    setFaults: (f: Faults) => call('setFaults', f),
    clearFaults: () => call('clearFaults'),
    stats: () => call('stats'),
    resetStats: () => call('resetStats'),
    createVerifiedUser: (email, password, o) => call('createVerifiedUser', email, password, o),
  };
}

/**
 * Asks the host's driver for a picture of the window (test/host/drive-host.js), taken once some frame
 * shows `waitFor`; resolves to "" or to why that never appeared.
 */
export async function requestScreenshot(name: string, waitFor: string): Promise<string> {
  return (await post<{ missing: string }>('/screenshot', { name, waitFor })).missing;
}
