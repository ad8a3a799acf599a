// How a Powabase run that lives on its stream looks in the tree, and which menu items its
// contextValue turns on (the `when` clauses are read from package.json, not copied).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Capabilities } from '../../src/core/backend';
import { STREAM_LOST_NOTICE } from '../../src/core/adapters/powabase/stream';
import type { Run } from '../../src/core/model';
import { identityTranslate } from '../../src/shared/format';
import { presentRun, presentWorkflow } from '../../src/extension/tree/present';

const ctx = { now: Date.parse('2026-01-01T12:00:00Z'), t: identityTranslate };
const POWABASE: Capabilities = {
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
  runEndsWithStream: true,
  manageWorkflows: true,
};
const run = (over: Partial<Run> = {}): Run => ({ id: 'e1', workflowId: 'wf', status: 'running', rawStatus: 'running', createdAt: '2026-01-01T11:59:00Z', stages: [], ...over });

const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { menus: { 'view/item/context': Array<{ command: string; when: string }> } };
};
/** Whether a tree item menu entry of `command` shows for this contextValue (its `viewItem =~ /…/`). */
function shows(command: string, contextValue: string): boolean {
  const entries = pkg.contributes.menus['view/item/context'].filter((m) => m.command === command);
  return entries.some((m) => {
    const re = /viewItem =~ \/(.*)\/$/.exec(m.when)?.[1];
    return re !== undefined && new RegExp(re).test(contextValue);
  });
}

describe('a Powabase run started here', () => {
  it('offers Stop Run instead of Stop Following, and its tooltip says closing VS Code stops it', () => {
    const p = presentRun({ run: run(), capabilities: POWABASE, live: true, stopsWithStream: true }, ctx);
    assert.equal(shows('flowscope.run.stop', p.contextValue), true);
    assert.equal(shows('flowscope.run.stopFollowing', p.contextValue), false);
    assert.match(p.tooltip ?? '', /closing VS Code, stops it at its next step \(recorded as completed with the outputs so far\)/);
  });

  it('a run followed by polling (not started here) keeps Stop Following', () => {
    const p = presentRun({ run: run(), capabilities: POWABASE, live: true, stopsWithStream: false }, ctx);
    assert.equal(shows('flowscope.run.stop', p.contextValue), false);
    assert.equal(shows('flowscope.run.stopFollowing', p.contextValue), true);
    assert.doesNotMatch(p.tooltip ?? '', /closing VS Code/);
  });

  it('a lost stream is explained while the run is not yet recorded as ended', () => {
    const p = presentRun({ run: run({ notice: STREAM_LOST_NOTICE }), capabilities: POWABASE, live: true }, ctx);
    assert.match(p.tooltip ?? '', /The connection to Powabase dropped\\\. Powabase stops this run at its next step/);
    const ended = presentRun({ run: run({ status: 'completed', notice: STREAM_LOST_NOTICE }), capabilities: POWABASE, live: false, stopsWithStream: true }, ctx);
    assert.doesNotMatch(ended.tooltip ?? '', /dropped|closing VS Code/);
    assert.equal(shows('flowscope.run.stop', ended.contextValue), false);
  });

  it('Powabase workflows can be renamed and deleted from the tree', () => {
    const p = presentWorkflow({ workflow: { id: 'wf', name: 'Owls' }, capabilities: POWABASE, hasLastInputs: false }, ctx);
    assert.equal(shows('flowscope.workflow.rename', p.contextValue), true);
    assert.equal(shows('flowscope.workflow.delete', p.contextValue), true);
    const other = presentWorkflow({ workflow: { id: 'wf', name: 'Owls' }, capabilities: { ...POWABASE, manageWorkflows: undefined }, hasLastInputs: false }, ctx);
    assert.equal(shows('flowscope.workflow.delete', other.contextValue), false);
  });
});
