import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import type { Sandbox } from '../../src/sandbox/server';
import { pbHeaders, SAMPLES, startTestSandbox, svForm, svHeaders, wr, wrHeaders } from './helpers/sandbox-harness';

const SUBSCRIBERS = 200;
/** Streams each subscriber follows, one after the other: a fixed amount of work, not a duration. */
const ROUNDS = 3;
/** Memory is sampled each time this many more streams have ended (by progress, not by clock). */
const SAMPLE_EVERY = 20;
/** Each face runs its own samples (White Rabbit has no condition sample: it cannot branch). */
const WORKFLOWS = {
  whiterabbit: [SAMPLES.whiterabbit.linear, SAMPLES.whiterabbit.retry, SAMPLES.whiterabbit.fanout, SAMPLES.whiterabbit.failing],
  powabase: [SAMPLES.powabase.linear, SAMPLES.powabase.retry, SAMPLES.powabase.fanout, SAMPLES.powabase.condition, SAMPLES.powabase.failing],
  supervity: [SAMPLES.supervity.linear, SAMPLES.supervity.retry, SAMPLES.supervity.fanout, SAMPLES.supervity.condition, SAMPLES.supervity.failing],
};

/**
 * 200 concurrent stream subscribers on loopback, spread over the three faces. Each subscriber
 * does ROUNDS times: start a run, follow its stream to the end, check the terminal event arrived.
 * Memory is sampled as streams end and must stay bounded (no growth with the number of runs
 * served). How long it takes is the benchmark's business (npm run bench), not this test's.
 */
describe('sandbox: load', () => {
  let sb: Sandbox;
  const agent = new Agent({ connections: SUBSCRIBERS * 2, pipelining: 0 });
  before(async () => {
    sb = await startTestSandbox({ timeScale: 0.5, heartbeatMs: 1000, executeLimitPerMinute: 1_000_000, maxRuns: 300 });
  });
  after(async () => {
    await sb.close();
    await agent.close();
  });

  /** Reads a stream to its end and returns the last non-ping frame's event name and data. */
  async function follow(url: string, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string | ReturnType<typeof svForm> }): Promise<{ event: string | undefined; data: string | undefined }> {
    const res = await request(url, { ...init, dispatcher: agent, headersTimeout: 20_000, bodyTimeout: 20_000 });
    assert.equal(res.statusCode, 200);
    let buf = '';
    let last: { event: string | undefined; data: string | undefined } = { event: undefined, data: undefined };
    res.body.setEncoding('utf8');
    for await (const chunk of res.body) {
      buf += chunk as string;
      let idx: number;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        let event: string | undefined;
        let data: string | undefined;
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data = line.slice(5).trim();
        }
        if (data !== undefined && event !== 'ping') last = { event, data };
      }
    }
    return last;
  }

  async function once(worker: number, i: number): Promise<boolean> {
    const pick = (ids: readonly string[]): string => ids[(worker + i) % ids.length] as string;
    switch (worker % 3) {
      case 0: {
        const t = await wr(sb, 'POST', `/v1/sdk/workflows/${pick(WORKFLOWS.whiterabbit)}`, {});
        const runId = (t.json as { runId: string }).runId;
        const path = `/v1/sdk/workflows/executions/${runId}/stream`;
        const last = await follow(sb.url + path, { method: 'GET', headers: wrHeaders(sb.info.whiterabbit, 'GET', path) });
        return ['COMPLETED', 'FAILED', 'CANCELED'].includes((JSON.parse(last.data ?? '{}') as { status?: string }).status ?? '');
      }
      case 1: {
        const last = await follow(`${sb.url}/api/workflows/${pick(WORKFLOWS.powabase)}/execute/stream`, { method: 'POST', headers: pbHeaders(sb), body: '{}' });
        return ['done', 'error'].includes((JSON.parse(last.data ?? '{}') as { type?: string }).type ?? '');
      }
      default: {
        const last = await follow(`${sb.url}/api/v1/workflow-runs/execute/stream`, { method: 'POST', headers: svHeaders(sb), body: svForm(pick(WORKFLOWS.supervity)) });
        return last.event === 'result' || last.event === 'error';
      }
    }
  }

  it(`${SUBSCRIBERS} concurrent subscribers, ${ROUNDS} streams each: every terminal event delivered, memory bounded`, { timeout: 300_000 }, async () => {
    let started = 0;
    let ended = 0;
    let terminal = 0;
    const failures: string[] = [];
    const samples: { heap: number; rss: number }[] = [];
    const sample = (): void => {
      const m = process.memoryUsage();
      samples.push({ heap: m.heapUsed, rss: m.rss });
    };
    sample();
    await Promise.all(
      Array.from({ length: SUBSCRIBERS }, async (_, w) => {
        for (let i = 0; i < ROUNDS; i++) {
          started++;
          try {
            if (await once(w, i)) terminal++;
            else failures.push(`worker ${w}: stream ended without a terminal event`);
          } catch (e) {
            failures.push(`worker ${w}: ${e instanceof Error ? e.message : String(e)}`);
          }
          if (++ended % SAMPLE_EVERY === 0) sample();
        }
      }),
    );
    const mb = (n: number) => Math.round(n / 1048576);
    const third = Math.floor(samples.length / 3);
    const early = samples.slice(0, third);
    const late = samples.slice(-third);
    const maxHeap = Math.max(...samples.map((s) => s.heap));
    const maxRss = Math.max(...samples.map((s) => s.rss));
    const avg = (xs: { heap: number }[]) => xs.reduce((a, s) => a + s.heap, 0) / Math.max(1, xs.length);
    console.log(`load: ${started} streams, ${terminal} terminal events, heap max ${mb(maxHeap)} MB (early avg ${mb(avg(early))}, late avg ${mb(avg(late))}), rss max ${mb(maxRss)} MB`);
    assert.deepEqual(failures.slice(0, 5), []);
    assert.equal(started, 600);
    assert.equal(terminal, 600);
    assert.ok(maxHeap < 512 * 1048576, `heap peaked at ${mb(maxHeap)} MB`);
    assert.ok(maxRss < 1024 * 1048576, `rss peaked at ${mb(maxRss)} MB`);
    assert.ok(avg(late) < avg(early) * 2 + 64 * 1048576, 'heap keeps growing with the number of runs served');
  });
});
