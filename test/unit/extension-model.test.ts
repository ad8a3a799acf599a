// The explorer's pure parts: ids, presentations, contextValue flags, health, formats, inputs, redaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Capabilities } from '../../src/core/backend';
import { FlowscopeError } from '../../src/core/errors';
import type { Run } from '../../src/core/model';
import { Redactor } from '../../src/core/redact';
import { formatCountdown, formatDuration, formatRelative, identityTranslate } from '../../src/shared/format';
import { healthFromError, isHeldBack } from '../../src/core/connections/health';
import { checkJsonSchema, parseInputValue, parseInputsJson } from '../../src/core/inputs';
import { NodeCache, nodeIds } from '../../src/extension/tree/nodes';
import { presentConnection, presentMessage, presentRun, presentStage, presentWorkflow } from '../../src/extension/tree/present';

const ctx = { now: Date.parse('2026-01-01T12:00:00Z'), t: identityTranslate };
const caps = (over: Partial<Capabilities> = {}): Capabilities => ({
  listWorkflows: true,
  listRuns: true,
  getGraph: true,
  pushGraph: 'replace',
  triggerInputs: true,
  cancel: 'none',
  stream: 'trigger',
  logs: true,
  deploy: true,
  arm: true,
  dashboard: false,
  componentUpdate: false,
  componentExecute: false,
  ...over,
});
const run = (over: Partial<Run> = {}): Run => ({
  id: '8f2c1d3e-aaaa-bbbb-cccc-000000000001',
  workflowId: 'wf',
  status: 'running',
  rawStatus: 'EXECUTING',
  createdAt: '2026-01-01T11:58:00Z',
  stages: [],
  ...over,
});

describe('node ids', () => {
  it('are stable, distinct per kind and safe for names with separators', () => {
    assert.equal(nodeIds.run('a/b', 'r'), 'run/a%2Fb/r');
    assert.notEqual(nodeIds.workflow('a', 'b/c'), nodeIds.workflow('a/b', 'c'));
    const cache = new NodeCache();
    assert.equal(cache.run('c', 'w', 'r'), cache.run('c', 'w', 'r'));
    cache.forgetConnection('c');
    assert.equal(cache.get(nodeIds.run('c', 'r')), undefined);
  });
});

describe('presentations', () => {
  it('runs: status, relative start, duration; cancel only where the API can and the run is active', () => {
    const p = presentRun({ run: run(), capabilities: caps({ cancel: 'runs' }), live: true }, ctx);
    assert.equal(p.label, 'Run 8f2c1d3e');
    assert.equal(p.description, 'running · 2 min ago · 2m 00s · live');
    assert.equal(p.icon.id, 'sync~spin');
    assert.match(p.contextValue, /\bcanCancel\b/);
    assert.match(p.contextValue, /\blive\b/);
    const none = presentRun({ run: run(), capabilities: caps({ cancel: 'none' }), live: false }, ctx);
    assert.doesNotMatch(none.contextValue, /\bcanCancel\b/);
    const done = presentRun({ run: run({ status: 'completed_with_errors', endedAt: '2026-01-01T11:58:04.200Z' }), capabilities: caps({ cancel: 'runs' }), live: false }, ctx);
    assert.doesNotMatch(done.contextValue, /\bcanCancel\b/);
    assert.equal(done.icon.id, 'warning');
    assert.match(done.description ?? '', /completed with errors · 2 min ago · 4\.2 s/);
  });

  it('stages: name or module, attempt, duration, credits, error or latest text', () => {
    const stage = presentStage(
      { id: 's1', name: 's1', type: 'API_CALL', status: 'failed', rawStatus: 'FAILED', attempt: 2, durationMs: 1500, creditUsage: 3, error: 'boom' },
      ctx,
    );
    assert.equal(stage.label, 'API_CALL');
    assert.equal(stage.description, 'attempt 2 · 1.5 s · 3 credits · boom');
    assert.equal(stage.icon.id, 'error');
    assert.match(stage.contextValue, /\bhasOutput\b/);
    assert.equal(stage.action, 'showOutput');
    const streaming = presentStage({ id: 'a', name: 'Agent', type: 'agent', status: 'running', rawStatus: 'running', text: 'x'.repeat(100) + ' the end' }, ctx);
    assert.match(streaming.description ?? '', /…x+ the end$/);
  });

  it('a stage whose outcome is not read yet is finishing, neither passed nor failed; a run shows the service\'s stage counts', () => {
    const stage = presentStage({ id: 's1', name: 'API_CALL', type: 'API_CALL', status: 'finishing', rawStatus: '' }, ctx);
    assert.equal(stage.icon.id, 'loading~spin');
    assert.equal(stage.tooltip, '**API\\_CALL**\n\nStatus: finishing (finishing)\n\nType: API\\_CALL');
    const p = presentRun({ run: run({ totalUsage: 9, stageCounts: { pending: 2, failed: 1 } }), capabilities: caps(), live: true }, ctx);
    assert.match(p.tooltip ?? '', /\n\nCredits used: 9\n\nStages pending: 2\n\nStages failed: 1$/);
  });

  it('workflows: state, armed countdown, last run, Supervity counts, and lifecycle flags', () => {
    const p = presentWorkflow(
      {
        workflow: { id: 'w', name: 'Nightly', state: 'deployed', counts: { running: 2, failed: 1, total: 9 } },
        latestRun: run({ status: 'failed' }),
        capabilities: caps({ cancel: 'workflow' }),
        armedUntil: ctx.now + 65_000,
        hasLastInputs: true,
      },
      ctx,
    );
    assert.equal(p.description, 'deployed · armed 1:05 · last run failed · 9 runs: 2 running, 1 failed');
    for (const flag of ['canTrigger', 'canRerun', 'canCancelRuns', 'canUndeploy', 'canArm']) assert.match(p.contextValue, new RegExp(`\\b${flag}\\b`));
    assert.doesNotMatch(p.contextValue, /\bcanDeploy\b/);
    const one = presentWorkflow({ workflow: { id: 'w', name: 'Nightly', counts: { completed: 1, total: 1 } }, latestRun: run({ status: 'completed' }), capabilities: caps(), hasLastInputs: false }, ctx);
    assert.equal(one.description, 'last run completed · 1 run: 1 completed');
  });

  it('connections show health in words and flags', () => {
    const health = healthFromError(new FlowscopeError('rateLimited', 'slow down', { retryAfterMs: 12_000 }), ctx.now);
    assert.ok(health);
    const p = presentConnection({ name: 'prod', kind: 'supervity', baseUrl: 'https://x', protected: true }, health, caps(), ctx);
    assert.equal(p.description, 'Supervity Auto · protected · rate limited, retrying in 12 s');
    assert.equal(p.icon.id, 'watch');
    const msg = presentMessage({ kind: 'message', id: 'm', connection: 'prod', message: 'rateLimited' }, health, ctx);
    assert.equal(msg.action, 'retry');
    assert.equal(p.tooltip?.split('\n\n')[0], '**prod** · Supervity Auto');
    // A name that says the service: once, in the description and in the tooltip.
    const named = presentConnection({ name: 'Sandbox · Powabase', kind: 'powabase', baseUrl: 'http://127.0.0.1:1', sandbox: true }, { state: 'ok' }, caps(), ctx);
    assert.equal(named.description, 'ok');
    assert.equal(named.tooltip?.split('\n\n')[0], '**Sandbox · Powabase**');
  });
});

describe('health', () => {
  it('maps error reasons to what the connection node says', () => {
    const now = 1_000;
    assert.equal(healthFromError(new FlowscopeError('auth', 'bad key'), now)?.state, 'auth');
    assert.equal(healthFromError(new FlowscopeError('forbidden', 'no'), now)?.state, 'auth');
    assert.equal(healthFromError(new FlowscopeError('network', 'ECONNREFUSED'), now)?.state, 'unreachable');
    assert.equal(healthFromError(new FlowscopeError('timeout', 't'), now)?.state, 'unreachable');
    // Typed, never matched on text: a usage error that mentions a key is still a usage error.
    assert.equal(healthFromError(new FlowscopeError('missingKey', 'No API key is stored for this connection.'), now)?.state, 'missingKey');
    assert.equal(healthFromError(new FlowscopeError('usage', 'Connection "x" has no API key.'), now)?.state, 'error');
    // Our own bug leaves the connection's health alone.
    assert.equal(healthFromError(new FlowscopeError('internal', 'x is undefined'), now), undefined);
    assert.equal(healthFromError(new FlowscopeError('server', '500'), now)?.state, 'error');
    assert.equal(healthFromError(new FlowscopeError('aborted', 'x'), now), undefined);
    const limited = healthFromError(new FlowscopeError('rateLimited', 'x'), now);
    assert.ok(limited && isHeldBack(limited, now + 29_000) && !isHeldBack(limited, now + 31_000));
  });
});

describe('formats', () => {
  it('durations, relative times and countdowns', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(4_200), '4.2 s');
    assert.equal(formatDuration(185_000), '3m 05s');
    assert.equal(formatDuration(7_800_000), '2h 10m');
    assert.equal(formatDuration(undefined), undefined);
    assert.equal(formatRelative('2026-01-01T11:59:50Z', ctx.now, identityTranslate), 'just now');
    assert.equal(formatRelative('2025-12-30T12:00:00Z', ctx.now, identityTranslate), '2 d ago');
    assert.equal(formatCountdown(599_001), '10:00');
    assert.equal(formatCountdown(-5), '0:00');
  });
});

describe('trigger inputs', () => {
  it('parses by declared type and explains what is wrong', () => {
    assert.deepEqual(parseInputValue({ name: 'n', type: 'number' }, ' 42 '), { ok: true, value: 42 });
    assert.equal(parseInputValue({ name: 'n', type: 'integer' }, '1.5').ok, false);
    assert.deepEqual(parseInputValue({ name: 'b', type: 'boolean' }, 'yes'), { ok: true, value: true });
    assert.deepEqual(parseInputValue({ name: 'o', type: 'object' }, '{"a":1}'), { ok: true, value: { a: 1 } });
    assert.equal(parseInputValue({ name: 'o', type: 'object' }, '[1]').ok, false);
    assert.deepEqual(parseInputValue({ name: 's' }, ' keep spaces '), { ok: true, value: ' keep spaces ' });
    assert.deepEqual(parseInputsJson(''), { ok: true, value: {} });
    assert.equal(parseInputsJson('[]').ok, false);
    assert.equal(parseInputsJson('{').ok, false);
  });

  it('checks component inputs against a JSON schema', () => {
    const schema = {
      type: 'object',
      required: ['url'],
      properties: { url: { type: 'string', pattern: '^https://' }, retries: { type: 'integer', minimum: 0, maximum: 3 }, mode: { enum: ['a', 'b'] } },
    };
    assert.deepEqual(checkJsonSchema({ url: 'https://x', retries: 1, mode: 'a' }, schema), []);
    const problems = checkJsonSchema({ url: 'http://x', retries: 9, mode: 'c' }, schema);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.deepEqual(checkJsonSchema({}, schema), ['url: required']);
    assert.deepEqual(checkJsonSchema('x', schema), ['(root): expected object, got string']);
  });
});

describe('log redaction', () => {
  it('masks known secrets and token-shaped strings', () => {
    const r = new Redactor();
    r.add('super-secret-value');
    const line = r.redact(
      'key super-secret-value; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZSJ9.c2lnbmF0dXJl; x-api-key: ws_abcdefghijklmnop; secret MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v',
    );
    assert.doesNotMatch(line, /super-secret-value|eyJhbGci|ws_abcdefghijklmnop|MC4CAQAwBQYDK2VwBCIEIJ1h/);
    assert.match(line, /Authorization: Bearer •••; x-api-key: •••; secret •••$/);
    assert.equal(r.redact('GET /api/workflows 200 in 12 ms'), 'GET /api/workflows 200 in 12 ms');
  });
});
