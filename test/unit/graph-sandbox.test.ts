import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createBackend } from '../../src/core/adapters/registry';
import type { Backend } from '../../src/core/backend';
import { FlowscopeError } from '../../src/core/errors';
import { stableJson } from '../../src/core/graph/diff';
import type { GraphFile } from '../../src/core/graph/graphFile';
import { pullGraphFile } from '../../src/core/graph/pullPlan';
import { pushGraphFile } from '../../src/core/graph/pushPlan';
import type { PushReview } from '../../src/core/graph/pushPlan';
import type { Graph } from '../../src/core/graph/schema';
import { serverValidationDiagnostics } from '../../src/core/graph/serverDiagnostics';
import { validateGraphText } from '../../src/core/graph/validate';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';

/**
 * Push and pull through the real adapters against the real sandbox (in memory, one per file).
 * Each test uses its own sample workflow, so the tests do not depend on each other's writes.
 */
let sandbox: Sandbox;
let powabase: Backend;
let whiterabbit: Backend;
const [LINEAR, FANOUT, CONDITION, RETRY, FAILING] = [0, 1, 2, 3, 4];

before(async () => {
  sandbox = await startSandbox({ port: 0, timeScale: 0.02 });
  const { info } = sandbox;
  powabase = createBackend({ name: 'sandbox-pb', kind: 'powabase', baseUrl: info.url }, { apiKey: info.powabase.apiKey });
  whiterabbit = createBackend(
    { name: 'sandbox-wr', kind: 'whiterabbit', baseUrl: info.url, workflowIds: info.whiterabbit.workflowIds },
    { apiKey: info.whiterabbit.apiKey, apiSecret: info.whiterabbit.apiSecret },
  );
});

after(async () => {
  await sandbox.close();
});

function workflowId(index: number): string {
  const id = sandbox.info.powabase.workflowIds[index];
  assert.ok(id, `sandbox sample ${index}`);
  return id;
}

/** Pulls a sample into a new file's text (what "Pull" does for an unbound workflow). */
async function pulledFile(id: string): Promise<{ text: string; file: GraphFile }> {
  const outcome = await pullGraphFile({ backend: powabase, connection: 'sandbox-pb', workflowId: id });
  assert.equal(outcome.status, 'changed');
  assert.ok(outcome.status === 'changed');
  return { text: outcome.text, file: JSON.parse(outcome.text) as GraphFile };
}

const accept = async (): Promise<boolean> => true;

test('powabase: pull writes a bound file, and pulling again into it changes nothing', async () => {
  const id = workflowId(FANOUT);
  const { text, file } = await pulledFile(id);
  assert.deepEqual(file.binding, { connection: 'sandbox-pb', workflowId: id });
  assert.ok(file.name && file.blocks.length > 0 && file.edges.length > 0);
  assert.deepEqual(validateGraphText(text, { targetKind: 'powabase' }).filter((d) => d.severity === 'error'), []);
  const again = await pullGraphFile({ backend: powabase, connection: 'sandbox-pb', workflowId: id, localText: text });
  assert.equal(again.status, 'unchanged');
});

test('powabase: push reviews the diff, replaces the graph, and pulls back unchanged', async () => {
  const id = workflowId(LINEAR);
  const { file } = await pulledFile(id);
  const edited: GraphFile = {
    ...file,
    blocks: [
      ...file.blocks.map((b) => (b.type === 'code' ? { ...b, config: { ...b.config, durationMs: 50 } } : b)),
      { id: 'audit', type: 'code', name: 'Audit', config: { durationMs: 10 } },
    ],
    edges: [...file.edges, { source: 'outline', target: 'audit' }],
  };
  const text = `${JSON.stringify(edited, null, 2)}\n`;
  let review: PushReview | undefined;
  const outcome = await pushGraphFile({
    text,
    backend: powabase,
    workflowId: id,
    confirm: async (r) => {
      review = r;
      return true;
    },
  });
  assert.equal(outcome.status, 'pushed', JSON.stringify(outcome));
  assert.ok(review);
  assert.equal(review.baselineSource, 'server');
  assert.equal(review.mode, 'replace');
  assert.deepEqual(review.summary.blocksAdded, ['audit']);
  assert.deepEqual(review.summary.blocksChanged, [{ id: 'outline', fields: ['config'] }]);
  assert.deepEqual(review.summary.edgesAdded, ['outline → audit']);
  assert.deepEqual([...review.summary.blocksRemoved, ...review.summary.edgesRemoved], []);
  assert.ok(outcome.status === 'pushed' && outcome.report.steps.some((s) => s.includes('replaced the graph')));

  const back = await pullGraphFile({ backend: powabase, connection: 'sandbox-pb', workflowId: id, localText: text });
  assert.equal(back.status, 'unchanged', 'a pull right after a push finds nothing to change');
  const again = await pushGraphFile({ text, backend: powabase, workflowId: id, confirm: accept });
  assert.equal(again.status, 'unchanged', 'pushing the same file twice asks nothing the second time');
});

test('powabase: a push declined at the diff leaves the server untouched', async () => {
  const id = workflowId(CONDITION);
  const beforeGraph = await powabase.getGraph?.(id);
  const { file } = await pulledFile(id);
  const edited: GraphFile = { ...file, blocks: file.blocks.filter((b) => b.type !== 'platform_api'), edges: file.edges.filter((e) => e.target !== 'page' && e.source !== 'page') };
  let asked = 0;
  const outcome = await pushGraphFile({
    text: JSON.stringify(edited, null, 2),
    backend: powabase,
    workflowId: id,
    confirm: async (review) => {
      asked++;
      assert.deepEqual(review.summary.blocksRemoved, ['page']);
      return false;
    },
  });
  assert.equal(outcome.status, 'declined');
  assert.equal(asked, 1);
  assert.equal(stableJson(await powabase.getGraph?.(id)), stableJson(beforeGraph));
});

test('powabase: local errors refuse the push before any request', async () => {
  const id = workflowId(RETRY);
  const beforeGraph = await powabase.getGraph?.(id);
  const text = JSON.stringify({ blocks: [{ id: 'a', type: 'starter' }, { id: 'a', type: 'response' }], edges: [{ source: 'a', target: 'b' }] });
  const outcome = await pushGraphFile({ text, backend: powabase, workflowId: id, confirm: accept });
  assert.equal(outcome.status, 'invalid');
  assert.ok(outcome.status === 'invalid');
  assert.deepEqual(outcome.diagnostics.map((d) => d.code), ['duplicate-block-id', 'missing-block']);
  assert.equal(stableJson(await powabase.getGraph?.(id)), stableJson(beforeGraph));
});

test('powabase: the server\'s "Unknown block type" is placed on that block\'s type', async () => {
  const id = workflowId(FAILING);
  const beforeGraph = await powabase.getGraph?.(id);
  const { file } = await pulledFile(id);
  const edited: GraphFile = { ...file, blocks: file.blocks.map((b) => (b.type === 'agent' ? { ...b, type: 'llm' } : b)) };
  const text = `${JSON.stringify(edited, null, 2)}\n`;
  // The local check stops this file before any push; the real adapter is called directly to get
  // the server's own rejection, as a server whose registry lags the client's would send it.
  const { blocks, edges } = edited;
  const error = await powabase.pushGraph?.(id, { blocks, edges } as Graph, beforeGraph).then(
    () => assert.fail('the server accepted an unknown block type'),
    (e: unknown) => e,
  );
  assert.ok(FlowscopeError.is(error, 'validation'), String(error));
  assert.equal(error.code, 'VALIDATION_ERROR');
  assert.match(error.message, /Unknown block type: llm/);
  const [d] = serverValidationDiagnostics(text, error.message);
  assert.ok(d);
  assert.deepEqual(d.relatedBlockIds, ['notify']);
  const line = text.split('\n')[d.range.start.line] ?? '';
  assert.equal(line.slice(d.range.start.character, d.range.end.character), '"llm"');
  assert.equal(stableJson(await powabase.getGraph?.(id)), stableJson(beforeGraph), 'a rejected replace changes nothing');
});

test('server messages without a block to point at land on "blocks"', () => {
  const text = '{\n  "blocks": [],\n  "edges": []\n}';
  const [d] = serverValidationDiagnostics(text, 'Something else went wrong');
  assert.deepEqual(d?.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 10 } });
});

async function serverGraph(id: string): Promise<Graph> {
  // White Rabbit serves no graph, and its workflows are not Powabase's: read the sandbox's own record.
  const res = await fetch(`${sandbox.url}/__sandbox/state`);
  const state = (await res.json()) as { workflows: Array<{ id: string } & Graph> };
  const wf = state.workflows.find((w) => w.id === id);
  assert.ok(wf, `workflow ${id} in the sandbox`);
  return { blocks: wf.blocks, edges: wf.edges };
}

test('white rabbit: one component update per changed block, and no claimed deletions', async () => {
  const id = sandbox.info.whiterabbit.workflowIds[LINEAR];
  assert.ok(id);
  const pull = await pullGraphFile({ backend: whiterabbit, connection: 'sandbox-wr', workflowId: id });
  assert.equal(pull.status, 'unsupported');

  const remembered = await serverGraph(id);
  const first = remembered.blocks[2];
  const second = remembered.blocks[3];
  const dropped = remembered.blocks[4];
  assert.ok(first && second && dropped);
  const local: Graph = {
    blocks: [
      ...remembered.blocks
        .filter((b) => b.id !== dropped.id)
        .map((b) => (b.id === first.id ? { ...b, name: 'Renamed', config: { ...b.config, durationMs: 42 } } : b.id === second.id ? { ...b, position: { x: 1, y: 2 } } : b)),
      { id: 'brand-new', type: 'code', name: 'New' },
    ],
    edges: [...remembered.edges.filter((e) => e.source !== dropped.id && e.target !== dropped.id), { source: first.id, target: 'brand-new' }, { source: 'brand-new', target: second.id }],
  };
  const text = JSON.stringify({ binding: { connection: 'sandbox-wr', workflowId: id }, ...local }, null, 2);
  let review: PushReview | undefined;
  const outcome = await pushGraphFile({
    text,
    backend: whiterabbit,
    workflowId: id,
    remembered,
    confirm: async (r) => {
      review = r;
      return true;
    },
  });
  assert.equal(outcome.status, 'pushed', JSON.stringify(outcome));
  assert.ok(outcome.status === 'pushed' && review);
  assert.equal(review.mode, 'components');
  assert.equal(review.baselineSource, 'remembered');
  assert.ok(review.notApplicable.some((m) => m.includes('brand-new') && m.includes('cannot add')));
  assert.ok(review.notApplicable.some((m) => m.includes('cannot delete')));
  assert.equal(outcome.report.steps.length, 2, outcome.report.steps.join('\n'));
  assert.ok(outcome.report.steps.every((s) => s.startsWith('updated component')));
  assert.ok(!outcome.report.steps.some((s) => /delet|remov/i.test(s)), 'a push never claims to delete');
  assert.ok(outcome.report.notApplied.some((m) => m.includes(dropped.name ?? dropped.id)));

  const after = await serverGraph(id);
  const updated = after.blocks.find((b) => b.id === first.id);
  assert.equal(updated?.name, 'Renamed');
  assert.equal(updated?.config?.durationMs, 42);
  assert.deepEqual(after.blocks.find((b) => b.id === second.id)?.position, { x: 1, y: 2 });
  assert.ok(after.blocks.some((b) => b.id === dropped.id), 'the dropped component is still on the server');
  assert.ok(!after.blocks.some((b) => b.id === 'brand-new'));
});

test('white rabbit: declined at the review, nothing is sent', async () => {
  const id = sandbox.info.whiterabbit.workflowIds[FANOUT];
  assert.ok(id);
  const before = await serverGraph(id);
  const local: Graph = { blocks: before.blocks.map((b) => ({ ...b, name: `${b.name ?? b.id}!` })), edges: before.edges };
  const outcome = await pushGraphFile({ text: JSON.stringify(local), backend: whiterabbit, workflowId: id, confirm: async () => false });
  assert.equal(outcome.status, 'declined');
  assert.ok(outcome.status === 'declined');
  assert.equal(outcome.review.baselineSource, 'none');
  assert.equal(stableJson(await serverGraph(id)), stableJson(before));
});
