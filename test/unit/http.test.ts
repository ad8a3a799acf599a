import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { FlowscopeError } from '../../src/core/errors';
import { HttpClient } from '../../src/core/http';
import { startTestServer } from './helpers/server';

const Ok = z.object({ ok: z.boolean(), name: z.string() });

function client(url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  return new HttpClient({ baseUrl: url, service: 'Test', authorize: () => ({ authorization: 'Bearer k' }), backoffBaseMs: 10, ...extra });
}

function expectError(reason: string, pattern: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof FlowscopeError, String(e));
    assert.equal(e.reason, reason, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test('GET is retried on 503 and 429 (Retry-After honoured), then succeeds', async () => {
  const server = await startTestServer((_req, res, n) => {
    if (n === 1) return void res.writeHead(503).end('busy');
    if (n === 2) return void res.writeHead(429, { 'retry-after': '0.2' }).end('{"error":"slow down"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"name":"x","extra":1}');
  });
  try {
    // The waits between attempts are what is checked: record them instead of timing the call.
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => void waits.push(ms);
    const body = await client(server.url, { sleep }).json({ method: 'GET', path: '/thing' }, Ok);
    assert.deepEqual(body, { ok: true, name: 'x' });
    assert.equal(server.requests.length, 3);
    assert.equal(waits.length, 2, JSON.stringify(waits));
    // After the 503: a backoff of at most backoffBaseMs (10 ms); after the 429: its Retry-After, 0.2 s.
    assert.ok((waits[0] ?? -1) >= 0 && (waits[0] ?? 99) <= 10, `backoff after the 503: ${waits[0]} ms`);
    assert.equal(waits[1], 200, 'waited for Retry-After');
  } finally {
    await server.close();
  }
});

test('a POST that starts work is never sent twice, whatever the answer', async () => {
  for (const answer of [503, 429, 502]) {
    const server = await startTestServer((_req, res) => void res.writeHead(answer, { 'retry-after': '0' }).end(''));
    try {
      await assert.rejects(client(server.url).json({ method: 'POST', path: '/execute', json: { a: 1 } }, Ok));
      assert.equal(server.requests.length, 1, `status ${answer}`);
    } finally {
      await server.close();
    }
  }
  // A dropped connection too.
  const server = await startTestServer((_req, res) => void res.destroy());
  try {
    await assert.rejects(client(server.url).json({ method: 'POST', path: '/execute', json: {} }, Ok), expectError('network', /Cannot reach Test/));
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('the exact JSON body bytes are sent, and the authorizer sees them', async () => {
  const seen: string[] = [];
  const server = await startTestServer((_req, res) => void res.writeHead(200).end('{"ok":true,"name":"n"}'));
  try {
    const c = client(server.url, { authorize: (r) => (seen.push(`${r.method}|${r.pathname}|${r.bodyText}`), {}) });
    await c.json({ method: 'POST', path: '/v1/a', query: { q: 'x y' }, json: { b: [1, 'é'], a: null } }, Ok);
    assert.equal(server.requests[0]?.body, '{"b":[1,"é"],"a":null}');
    assert.equal(server.requests[0]?.url, '/v1/a?q=x+y');
    assert.deepEqual(seen, ['POST|/v1/a|{"b":[1,"é"],"a":null}']);
  } finally {
    await server.close();
  }
});

test('errors are typed and carry the server message, whatever the body shape', async () => {
  const cases: Array<[number, string, string, string, RegExp]> = [
    [401, 'application/json', '{"error":"UNAUTHORIZED","message":"Invalid API key"}', 'auth', /Invalid API key/],
    [403, 'application/json', '{"errors":[{"code":"FORBIDDEN","message":"workflow not allowed"}]}', 'forbidden', /workflow not allowed/],
    [404, 'application/json', '{"error":"Workflow not found","error_code":"WORKFLOW_NOT_FOUND"}', 'notFound', /Workflow not found/],
    [400, 'text/html', '<!doctype html><html><head><title>400 Bad Request</title></head><body><h1>Bad Request</h1><p>Model x requires BYOK &amp; a key</p></body></html>', 'validation', /400 Bad Request: Model x requires BYOK & a key/],
    [402, 'application/json', '{"error":"insufficient_credits","balance":0}', 'payment', /insufficient_credits/],
    [422, 'application/json', '{"statusCode":422,"message":["name must be a string","age too low"]}', 'validation', /name must be a string; age too low/],
    [500, 'text/plain', '', 'server', /request failed \(HTTP 500/],
    [401, 'application/json', '{"message":"No API key found in request"}', 'auth', /No API key found/],
  ];
  for (const [status, type, body, reason, pattern] of cases) {
    const server = await startTestServer((_req, res) => void res.writeHead(status, { 'content-type': type }).end(body));
    try {
      await assert.rejects(client(server.url, { maxRetries: 0 }).json({ method: 'GET', path: '/x' }, Ok), expectError(reason, pattern));
    } finally {
      await server.close();
    }
  }
});

test('a 2xx body with a missing field is a protocol error naming the field; non-JSON too', async () => {
  const server = await startTestServer((req, res) => void res.writeHead(200).end(req.url === '/a' ? '{"ok":true}' : '<html>oops</html>'));
  try {
    await assert.rejects(client(server.url).json({ method: 'GET', path: '/a' }, Ok), expectError('protocol', /missing required field "name"/));
    await assert.rejects(client(server.url).json({ method: 'GET', path: '/b' }, Ok), expectError('protocol', /not JSON: <html>oops/));
  } finally {
    await server.close();
  }
});

test('timeouts and aborts are typed; a long Retry-After is reported, not slept through', async () => {
  const server = await startTestServer((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('{}'), 2_000);
    res.writeHead(429, { 'retry-after': '3600' }).end('{"error":"Rate limit exceeded. Max 20 executions per minute."}');
  });
  try {
    await assert.rejects(client(server.url, { maxRetries: 0 }).json({ method: 'GET', path: '/slow', timeoutMs: 200 }, Ok), expectError('timeout', /did not answer/));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(client(server.url).json({ method: 'GET', path: '/slow', signal: controller.signal }, Ok), expectError('aborted', /cancelled/));
    await assert.rejects(client(server.url).json({ method: 'GET', path: '/limited' }, Ok), (e: unknown) => {
      assert.ok(e instanceof FlowscopeError && e.reason === 'rateLimited');
      assert.equal(e.retryAfterMs, 3_600_000);
      assert.match(e.message, /Max 20 executions per minute/);
      return true;
    });
  } finally {
    await server.close();
  }
});

test('an unreachable host is a network error that names the URL', async () => {
  const server = await startTestServer(() => undefined);
  const url = server.url;
  await server.close();
  await assert.rejects(client(url, { maxRetries: 1 }).json({ method: 'GET', path: '/x' }, Ok), (error: unknown) => {
    // Said once: what, where, and the system's code (not "connect ECONNREFUSED …" and the code again).
    assert.equal((error as Error).message, `Cannot reach Test at ${url} (ECONNREFUSED).`);
    return true;
  });
});
