import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { createBackend } from '../../src/core/adapters/registry';
import type { Backend } from '../../src/core/backend';
import { FlowscopeError } from '../../src/core/errors';
import type { BackendKind } from '../../src/core/model';
import { startTestServer } from './helpers/server';
import type { TestServer } from './helpers/server';

// The RFC 8032 test key (a published test vector, not a credential).
const SECRET = 'MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g';

/** What the hostile server answers next: any status, any content type, any body. */
let next: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{}' };
let server: TestServer;

before(async () => {
  server = await startTestServer((_req, res) => {
    res.writeHead(next.status, { 'content-type': next.type });
    res.end(next.body);
  });
});
after(async () => {
  await server.close();
});

function backend(kind: BackendKind): Backend {
  return createBackend(
    { name: kind, kind, baseUrl: server.url, workflowIds: ['w1'], org: 'o' },
    { apiKey: 'k', apiSecret: SECRET },
    { maxReconnects: 0, pollMinMs: 1, pollMaxMs: 2, streamIdleMs: 500, timeoutMs: 2_000, retryBaseMs: 1 },
  );
}

async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
    if (out.length > 20) break;
  }
  return out;
}

/** Every call either gives a model object or fails with a typed error, never a TypeError or a hang. */
async function typedOutcome(call: () => Promise<unknown>): Promise<void> {
  try {
    const value = await call();
    assert.equal(typeof value, 'object');
  } catch (error) {
    assert.ok(error instanceof FlowscopeError, `untyped failure: ${String(error)}`);
    assert.ok(error.message.length > 0);
  }
}

const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constantFrom('<html><title>502 Bad Gateway</title></html>', '', 'null', '{"workflowRun":null}', '{"runStages":"x","id":1}'),
  fc.record({ id: fc.string(), status: fc.string(), runStages: fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 3 }) }).map((v) => JSON.stringify(v)),
  fc.record({ workflowRun: fc.dictionary(fc.string(), fc.jsonValue()), activityRuns: fc.array(fc.jsonValue(), { maxLength: 3 }) }).map((v) => JSON.stringify(v)),
);
const response = fc.record({
  status: fc.constantFrom(200, 200, 200, 201, 400, 401, 403, 404, 429, 500, 503),
  type: fc.constantFrom('application/json', 'text/html', 'text/plain'),
  body,
});

for (const kind of ['whiterabbit', 'powabase', 'supervity'] as const) {
  test(`${kind}: any response body becomes a model or a typed error`, async () => {
    const b = backend(kind);
    await fc.assert(
      fc.asyncProperty(response, async (r) => {
        next = r;
        await typedOutcome(() => b.getRun({ id: 'r1', workflowId: 'w1' }));
        await typedOutcome(() => b.listRuns('w1', { limit: 5 }));
        await typedOutcome(() => b.getWorkflow('w1'));
        await typedOutcome(() => b.listWorkflows());
        if (b.getGraph) await typedOutcome(() => b.getGraph!('w1'));
      }),
      { numRuns: 60 },
    );
  });

  test(`${kind}: any stream body ends in states or a typed error`, async () => {
    const b = backend(kind);
    const frame = fc.oneof(
      fc.jsonValue().map((v) => `data: ${JSON.stringify(v)}\n\n`),
      fc.string().map((s) => `data: ${s.replace(/\n/g, ' ')}\n\n`),
      fc.constantFrom('event: result\ndata: {"success":true}\n\n', 'data: {"type":"done"}\n\n', 'data: {"id":"r","status":"COMPLETED"}\n\n', ':ping\n\n'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { maxLength: 6 }), async (frames) => {
        next = { status: 200, type: 'text/event-stream', body: frames.join('') };
        // White Rabbit refuses run inputs before sending anything: give it none, so its stream is exercised.
        await typedOutcome(() => drain(b.trigger('w1', kind === 'whiterabbit' ? {} : { a: 1 })));
      }),
      { numRuns: 40 },
    );
  });
}
