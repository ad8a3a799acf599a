// A web page in the user's browser against the sandbox (issue 18): the browser is a loopback peer,
// so it can send cross-site "simple" requests (text/plain POSTs carrying an Origin) and, through
// DNS rebinding, same-origin reads whose Host names the attacker's domain. Every such request is
// refused; Flowscope's own clients (Host 127.0.0.1:<port> or localhost:<port>, JSON bodies) are not.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Sandbox } from '../../src/sandbox/server';
import { pbHeaders, startTestSandbox, svHeaders, wrHeaders } from './helpers/sandbox-harness';

let sb: Sandbox;
let port: number;

before(async () => {
  sb = await startTestSandbox();
  port = Number(new URL(sb.url).port);
});
after(() => sb.close());

interface Answer {
  status: number;
  json: Record<string, unknown> | undefined;
}

/** node:http, because it sends exactly the Host header it is given (a browser after DNS rebinding would). */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const faults = async (): Promise<unknown[]> => ((await send('GET', '/__sandbox/faults', {})).json?.faults as unknown[]) ?? [];
const FAULT = JSON.stringify({ fault: 'status=503', pathPrefix: '/api/workflows', count: 5 });
const rebound = (): string => `evil.example:${port}`;

describe('control routes refuse what a web page can send', () => {
  it('the reported attack: foreign Host, an Origin and text/plain installs no fault and mints no key', async () => {
    const page = { host: rebound(), origin: 'http://evil.example', 'content-type': 'text/plain' };
    assert.equal((await send('POST', '/__sandbox/faults', page, FAULT)).status, 403);
    assert.equal((await send('POST', '/__sandbox/whiterabbit/keys', page, '{}')).status, 403);
    assert.equal((await send('GET', '/__sandbox/state', { host: rebound() })).status, 403);
    assert.deepEqual(await faults(), []);
  });

  it('an Origin alone is refused, even with the right Host and a JSON body', async () => {
    const r = await send('POST', '/__sandbox/faults', { origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }, FAULT);
    assert.equal(r.status, 403);
    assert.match(String(r.json?.error), /web page/);
    const mint = await send('POST', '/__sandbox/whiterabbit/keys', { origin: 'null', 'content-type': 'application/json' }, '{"allowedWorkflowIds":[]}');
    assert.equal(mint.status, 403);
    assert.equal(mint.json?.apiKey, undefined);
    assert.equal((await send('GET', '/__sandbox/state', { origin: 'http://evil.example' })).status, 403);
    assert.equal((await send('DELETE', '/__sandbox/faults', { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.deepEqual(await faults(), []);
  });

  it('a POST body not declared application/json is refused (a simple request cannot declare it)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await send('POST', '/__sandbox/faults', { 'content-type': type }, FAULT);
      assert.equal(r.status, 415, type);
      assert.match(String(r.json?.error), /Content-Type: application\/json/);
    }
    assert.equal((await send('POST', '/__sandbox/whiterabbit/keys', {}, '{}')).status, 415, 'no Content-Type at all');
    assert.deepEqual(await faults(), []);
  });

  it('a rebound read of the state (Host names another domain, no Origin) is refused', async () => {
    for (const host of [rebound(), 'evil.example', `127.0.0.1.evil.example:${port}`, `localhost.:${port}`, `127.0.0.1:${port + 1}`]) {
      assert.equal((await send('GET', '/__sandbox/state', { host })).status, 403, host);
    }
  });

  it("Flowscope's own requests pass: Host 127.0.0.1:<port> or localhost:<port>, JSON bodies", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      assert.equal((await send('GET', '/__sandbox/state', { host })).status, 200, host);
    }
    const added = await send('POST', '/__sandbox/faults', { host: `localhost:${port}`, 'content-type': 'application/json; charset=utf-8' }, FAULT);
    assert.equal(added.status, 200);
    assert.equal((await send('DELETE', '/__sandbox/faults', {})).status, 200);
    // Node's own fetch (the e2e harness, scripts) sends Sec-Fetch-Mode but no Origin or Sec-Fetch-Site.
    assert.equal((await fetch(`${sb.url}/__sandbox/state`)).status, 200);
    const viaFetch = await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: FAULT });
    assert.equal(viaFetch.status, 200);
    assert.equal((await fetch(`${sb.url}/__sandbox/faults`, { method: 'DELETE' })).status, 200);
    assert.deepEqual(await faults(), []);
  });
});

describe('the three API faces refuse a foreign Host (DNS rebinding), in their own error shape', () => {
  it('Powabase', async () => {
    const ok = await send('GET', '/api/workflows', pbHeaders(sb));
    assert.equal(ok.status, 200);
    const r = await send('GET', '/api/workflows', { ...pbHeaders(sb), host: rebound() });
    assert.equal(r.status, 403);
    assert.equal(r.json?.workflows, undefined);
    assert.match(JSON.stringify(r.json), /DNS rebinding/);
  });

  it('Supervity Auto', async () => {
    const path = `/api/v1/workflow-runs/dashboard/${sb.info.supervity.workflowIds[0]}`;
    assert.equal((await send('GET', path, { ...svHeaders(sb), host: `localhost:${port}` })).status, 200);
    const r = await send('GET', path, { ...svHeaders(sb), host: rebound() });
    assert.equal(r.status, 403);
    assert.match(JSON.stringify(r.json), /DNS rebinding/);
  });

  it('White Rabbit', async () => {
    const path = '/v1/system/components';
    assert.equal((await send('GET', path, wrHeaders(sb.info.whiterabbit, 'GET', path))).status, 200);
    const r = await send('GET', path, { ...wrHeaders(sb.info.whiterabbit, 'GET', path), host: rebound() });
    assert.equal(r.status, 403);
    assert.match(JSON.stringify(r.json), /DNS rebinding/);
  });
});
