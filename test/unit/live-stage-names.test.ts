// Live stages are named from their first update on every API, against the sandbox (each face
// answers as its documents say: Powabase's stream events carry block ids and types only, contracts
// B.3; Supervity's `activity-run` events step ids only, C.3; White Rabbit's stages their module
// only, seed 000 lines 53-62 and 109-115).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PowabaseBackend } from '../../src/core/adapters/powabase/adapter';
import { SupervityBackend } from '../../src/core/adapters/supervity/adapter';
import { WhiteRabbitBackend } from '../../src/core/adapters/whiterabbit/adapter';
import { moduleInWords } from '../../src/core/adapters/whiterabbit/moduleName';
import type { Run } from '../../src/core/model';
import { startSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/server';
import { drain } from './helpers/scripted-fixtures';

const PB_LINEAR = '5a4d0b02-0001-4000-8000-000000000201';
const SV_LINEAR = '5a4d0b03-0001-4000-8000-000000000301';
const WR_LINEAR = '5a4d0b01-0001-4000-8000-000000000101';
const DEPS = { pollMinMs: 20, pollMaxMs: 100, timeoutMs: 5_000 };

let sandbox: Sandbox;
before(async () => (sandbox = await startSandbox({ port: 0, timeScale: 0.05 })));
after(() => sandbox.close());

/** Every `id=name` a viewer was ever shown, in order of first appearance. */
function labelsShown(runs: readonly Run[]): string[] {
  return [...new Set(runs.flatMap((r) => r.stages.map((s) => `${s.id}=${s.name}`)))];
}

describe('live stage names', () => {
  test('Powabase: every block is listed by its graph name from the first update, queued until it starts', async () => {
    const { url, powabase } = sandbox.info;
    const b = new PowabaseBackend({ name: 'sandbox', kind: 'powabase', baseUrl: url }, { apiKey: powabase.apiKey }, DEPS);
    const runs = await drain(b.trigger(PB_LINEAR, { topic: 'owls' }));
    assert.deepEqual(
      runs[0]?.stages.map((s) => [s.name, s.type, s.status]),
      [
        ['Start', 'starter', 'queued'],
        ['Webhook trigger', 'webhook', 'queued'],
        ['Research', 'agent', 'queued'],
        ['Outline', 'code', 'queued'],
        ['Draft', 'agent', 'queued'],
        ['Respond', 'response', 'queued'],
      ],
    );
    assert.deepEqual(labelsShown(runs), ['start=Start', 'hook=Webhook trigger', 'research=Research', 'outline=Outline', 'draft=Draft', 'respond=Respond']);
    assert.equal(runs.at(-1)?.status, 'completed');
  });

  test('Supervity: each step carries its stepName from its first update, though activity-run events carry only ids', async () => {
    const { url, supervity } = sandbox.info;
    const b = new SupervityBackend({ name: 'sandbox', kind: 'supervity', baseUrl: url, org: supervity.org, workflowIds: supervity.workflowIds }, { apiKey: supervity.apiKey }, DEPS);
    const runs = await drain(b.trigger(SV_LINEAR, { invoice: 'INV-1' }));
    assert.deepEqual(labelsShown(runs), [
      'start=Receive invoice',
      'extract=Extract invoice fields',
      'match=Match purchase order',
      'summary=Write approval summary',
      'result=Return result',
    ]);
    assert.equal(runs.at(-1)?.status, 'completed');
  });

  test('White Rabbit: each stage is named by its module in words, the module kept as its type', async () => {
    const { url, whiterabbit } = sandbox.info;
    const b = new WhiteRabbitBackend({ name: 'sandbox', kind: 'whiterabbit', baseUrl: url, workflowIds: whiterabbit.workflowIds }, { apiKey: whiterabbit.apiKey, apiSecret: whiterabbit.apiSecret }, DEPS);
    const runs = await drain(b.trigger(WR_LINEAR, {}));
    const final = runs.at(-1)!;
    assert.equal(final.status, 'completed');
    assert.deepEqual(final.stages.map((s) => [s.name, s.type]), [
      ['On API called', 'ON_API_CALLED'],
      ['String constant', 'STRING_CONSTANT'],
      ['Get EVM account balance', 'GET_EVM_ACCOUNT_BALANCE'],
      ['API call', 'API_CALL'],
      ['Array builder', 'ARRAY_BUILDER'],
    ]);
    const raw = runs.flatMap((r) => r.stages).filter((s) => s.name === s.type || s.name === s.id);
    assert.deepEqual(raw, [], 'no update shows a raw module or a stage id as the name');
  });

  test('module names in words keep their abbreviations; what is not a module constant is kept as sent', () => {
    assert.deepEqual(
      ['GET_EVM_ACCOUNT_BALANCE', 'ON_API_CALLED', 'RANDOM_UUID', 'FOR_EACH', 'COMPUTE_PUBLIC_KEY', 'X', 'custom-module', 'STAGE \u001b[2J'].map(moduleInWords),
      ['Get EVM account balance', 'On API called', 'Random UUID', 'For each', 'Compute public key', 'X', 'custom-module', 'STAGE \u001b[2J'],
    );
  });
});
