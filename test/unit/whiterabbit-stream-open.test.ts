// A White Rabbit run stream refused for its signature is opened once more, signed afresh: with a
// thousand runs followed, a stream opened from a busy event loop reached the service after the 30 s
// window of its timestamp and the follow gave up on a run still going. Against a purpose-built
// loopback server: the 401 body is the service's error shape (contracts A.5), the frame a
// `RunStreamEvent` and the detail a `WorkflowRunDetail` (seed 000 lines 45-64 and 98-118).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WhiteRabbitBackend } from '../../src/core/adapters/whiterabbit/adapter';
import { FlowscopeError } from '../../src/core/errors';
import { json, startRoutes } from './helpers/http-routes';
import type { RouteServer } from './helpers/http-routes';
import { DETAIL_PATH, RUN, runDetail, SEED, STREAM_PATH, streamEvent, WF } from './helpers/wr-scripted';

const GUARD = { timeout: 30_000 };
const STAGE = { id: 'stage-a', module: 'API_CALL', status: 'COMPLETED' } as const;

let routes: RouteServer;
/** How many times in a row the stream is refused before it opens. */
let refusals = 0;
/** The adapter's injected clock (2026-04-20T10:00:00Z), moved on by each refusal. */
let clock = 1_776_679_200_000;
/** The signing headers of each stream request, in order: [x-sdk-timestamp, x-sdk-signature]. */
const signed: Array<readonly [unknown, unknown]> = [];
before(async () => {
  routes = await startRoutes();
  routes.on('GET', STREAM_PATH, (req, res) => {
    signed.push([req.headers['x-sdk-timestamp'], req.headers['x-sdk-signature']]);
    if (refusals > 0) {
      refusals--;
      // Five seconds pass before the retry: a fresh signature carries the later time.
      clock += 5_000;
      // No Date header: the refusal is not read as clock skew (which the HTTP client retries itself).
      res.sendDate = false;
      return json(res, 401, { error: 'UNAUTHORIZED', message: 'Request timestamp outside the allowed window' });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(`data: ${JSON.stringify(streamEvent('COMPLETED', [], { pending: 0, failed: 0, usage: 3 }))}\n\n`);
  });
  routes.on('GET', DETAIL_PATH, (_req, res) => json(res, 200, runDetail('COMPLETED', [STAGE], 3)));
});
after(async () => {
  await routes.close();
});

const follow = async (): Promise<string[]> => {
  const backend = new WhiteRabbitBackend({ name: 'wr', kind: 'whiterabbit', baseUrl: routes.url, workflowIds: [WF] }, { apiKey: 'ws_test', apiSecret: SEED }, { maxReconnects: 0, now: () => clock });
  const statuses: string[] = [];
  for await (const run of backend.follow({ id: RUN, workflowId: WF })) statuses.push(run.status);
  return statuses;
};

describe('White Rabbit: a run stream refused with HTTP 401', GUARD, () => {
  it('is opened once more with a fresh signature, and the run is followed to its end', async () => {
    refusals = 1;
    clock = 1_776_679_200_000;
    signed.length = 0;
    assert.deepEqual(await follow(), ['completed']);
    assert.equal(signed.length, 2);
    assert.deepEqual(
      signed.map(([timestamp]) => timestamp),
      ['1776679200', '1776679205'],
      'the retry is signed at the time it is sent',
    );
    assert.notEqual(signed[1]?.[1], signed[0]?.[1], 'the retry carries its own signature');
  });

  it('refused twice, ends the follow with the typed auth failure', async () => {
    refusals = 2;
    const opened = routes.count('GET', STREAM_PATH);
    await assert.rejects(follow(), (e: unknown) => FlowscopeError.is(e, 'auth') && e.status === 401);
    assert.equal(routes.count('GET', STREAM_PATH) - opened, 2, 'one retry, no more');
  });
});
