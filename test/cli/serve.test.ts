// `nexus serve` on a real socket: the built command in a child process answers a yente client and stops on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { listening, nexus, tempHome } from './helpers.js';

const BIN = 'bin/nexus.js';
const BUILT = existsSync('dist/cli/commands/serve.js');

let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe.skipIf(!BUILT)('nexus serve (real socket; needs dist/, built by the global setup)', () => {
  it('indexes, listens on a free port, answers POST /match/default like yente, and stops on SIGTERM', async () => {
    const home = tempHome('nexus-serve-');
    const loaded = await nexus(home, 'ingest', '--dataset', 'case', 'test/fixtures/ftm/case.ftm.jsonl');
    expect(loaded.code).toBe(0);

    const output = { stderr: '' };
    // The yente client here sends no credentials: authentication (on by default) is tested in user.test.ts.
    child = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', '--no-auth'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await listening(child, output);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output.stderr).toContain('match index up to date');

    const res = await fetch(`${url}/match/default?threshold=0.5`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        queries: { q1: { schema: 'Person', properties: { name: ['Ruslan Belov'], birthDate: ['1979'] } } },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = await res.json();
    expect(body).toMatchObject({ limit: 5, matcher: { name: expect.any(String) } });
    expect(body.responses.q1).toMatchObject({ status: 200, total: { relation: 'eq' } });
    expect(body.responses.q1.results.map((r: { id: string }) => r.id)).toContain('case-p1');

    const health = await fetch(`${url}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // One JSON line per request on stderr.
    const logs = output.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(logs.filter((l) => l.path === '/match/default' && l.status === 200)).toHaveLength(1);
  });
});
