// Every contextValue flag the tree emits is read by some menu of package.json, and every flag a
// menu reads is emitted by some row: a flag nothing reads, or a menu waiting for a flag that
// never comes, fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Capabilities } from '../../src/core/backend';
import { NO_CAPABILITIES } from '../../src/core/backend';
import type { Health } from '../../src/core/connections/health';
import type { Run, Stage } from '../../src/core/model';
import { identityTranslate } from '../../src/shared/format';
import type { MessageKind } from '../../src/extension/tree/nodes';
import type { Presentation } from '../../src/extension/tree/present';
import { presentConnection, presentLoadMore, presentMessage, presentRun, presentStage, presentWorkflow } from '../../src/extension/tree/present';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, Array<{ when?: string }>> } };

/** The flags the `viewItem =~ /…/` clauses of the menus read: `^kind\b`, `\bflag\b`, `\bprefix-(a|b)\b`. */
function flagsReadByMenus(): Set<string> {
  const read = new Set<string>();
  for (const entries of Object.values(pkg.contributes.menus)) {
    for (const { when } of entries) {
      for (const clause of when?.matchAll(/viewItem =~ \/(.+?)\//g) ?? []) {
        for (const m of (clause[1] ?? '').matchAll(/(?:\^|\\b)([A-Za-z][A-Za-z-]*)(?:\(([A-Za-z|]+)\))?\\b/g)) {
          const [, head = '', alternatives] = m;
          if (alternatives) for (const alt of alternatives.split('|')) read.add(head + alt);
          else read.add(head);
        }
      }
    }
  }
  return read;
}

const ctx = { now: Date.parse('2026-01-01T12:00:00Z'), t: identityTranslate };
const NO = NO_CAPABILITIES;
const ALL: Capabilities = { ...NO, cancel: 'workflow', logs: true, deploy: true, arm: true, componentExecute: true, manageWorkflows: true, runEndsWithStream: true };
const HEALTHS: Health[] = [
  { state: 'unknown' },
  { state: 'ok' },
  { state: 'missingKey', reason: 'missingKey' },
  { state: 'auth', reason: 'auth' },
  { state: 'unreachable', reason: 'network' },
  { state: 'rateLimited', reason: 'rateLimited', retryAt: ctx.now + 5_000 },
  { state: 'error', reason: 'server' },
];
const MESSAGES: MessageKind[] = ['missingKey', 'auth', 'unreachable', 'rateLimited', 'error', 'internal', 'noWorkflows', 'noRuns', 'runsNotListed', 'truncated', 'loading'];

function run(over: Partial<Run> = {}): Run {
  return { id: 'r1', workflowId: 'w', status: 'running', rawStatus: 'running', stages: [], createdAt: '2026-01-01T11:58:00Z', ...over };
}

/** Every row the tree can render, over the combinations that change its flags. */
function everyPresentation(): Presentation[] {
  const out: Presentation[] = [];
  for (const capabilities of [NO, ALL, { ...ALL, cancel: 'runs' as const }]) {
    for (const health of HEALTHS) out.push(presentConnection({ name: 'c', kind: 'powabase', baseUrl: 'https://x', protected: true, sandbox: true }, health, capabilities, ctx));
    for (const state of ['deployed', 'internal', undefined] as const) {
      for (const hasLastInputs of [true, false]) {
        out.push(presentWorkflow({ workflow: { id: 'w', name: 'W', ...(state ? { state } : {}) }, latestRun: run(), capabilities, hasLastInputs }, ctx));
      }
    }
    for (const status of ['running', 'completed', 'failed'] as const) {
      for (const live of [true, false]) {
        for (const stopsWithStream of [true, false]) {
          out.push(presentRun({ run: run({ status, inputs: { a: 1 } }), capabilities, live, stopsWithStream }, ctx));
          out.push(presentRun({ run: run({ status }), capabilities, live, stopsWithStream }, ctx));
        }
      }
    }
  }
  const stage: Stage = { id: 's', name: 'S', status: 'failed', rawStatus: 'failed', error: 'boom', output: { a: 1 } };
  out.push(presentStage(stage, ctx), presentStage({ id: 's', name: 'S', status: 'queued', rawStatus: 'queued' }, ctx), presentLoadMore(ctx));
  for (const health of HEALTHS) for (const message of MESSAGES) out.push(presentMessage({ kind: 'message', id: 'm', connection: 'c', message }, health, ctx));
  return out;
}

describe('tree contextValue flags ↔ package.json menus', () => {
  it('every flag a row emits is read by a menu, and every flag a menu reads is emitted', () => {
    const read = flagsReadByMenus();
    const emitted = new Set(everyPresentation().flatMap((p) => p.contextValue.split(' ').filter(Boolean)));
    assert.deepEqual([...emitted].filter((f) => !read.has(f)).sort(), [], 'flags no menu reads');
    assert.deepEqual([...read].filter((f) => !emitted.has(f)).sort(), [], 'flags menus read that no row emits');
    // The parser found the menus' vocabulary (a parser that reads nothing would pass the above).
    assert.ok(read.has('canCancel') && read.has('reason-missingKey') && read.has('stoppable'), [...read].join(' '));
  });
});
