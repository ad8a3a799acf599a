// Tree tooltips are Markdown (issue 18): a server's workflow id, variable names, run times or
// usage figures interpolated raw could place links, images (a request to the server's host when
// the tooltip shows), autolinks or HTML in them. Every interpolated value is escaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Capabilities } from '../../src/core/backend';
import type { Run, Workflow } from '../../src/core/model';
import { identityTranslate } from '../../src/shared/format';
import { escapeMarkdown, presentRun, presentStage, presentWorkflow } from '../../src/extension/tree/present';

const ctx = { now: Date.parse('2026-01-01T12:00:00Z'), t: identityTranslate };
const CAPS = { listRuns: true, cancel: 'none', deploy: false, arm: false, logs: false } as Capabilities;
const LINK = '[click](https://evil.example/x)';
const IMAGE = '![p](https://evil.example/pixel.png)';

describe('tooltips escape every server value', () => {
  it('a workflow: id, version and variable names', () => {
    const workflow = { id: LINK, name: 'Report', version: '<img src=x>' as unknown as number, variables: [{ name: IMAGE }, { name: 'www.evil.example' }] } as Workflow;
    const p = presentWorkflow({ workflow, capabilities: CAPS, hasLastInputs: false }, ctx);
    assert.equal(
      p.tooltip,
      [
        '**Report**',
        'Id: \\[click\\]\\(https\\:\\/\\/evil\\.example\\/x\\)',
        'Version: \\<img src\\=x\\>',
        'Inputs: \\!\\[p\\]\\(https\\:\\/\\/evil\\.example\\/pixel\\.png\\), www\\.evil\\.example',
      ].join('\n\n'),
    );
  });

  it('a run: start and end times and credits', () => {
    const run: Run = {
      id: 'r1',
      workflowId: 'wf',
      status: 'completed',
      rawStatus: 'COMPLETED',
      createdAt: IMAGE,
      endedAt: '<https://evil.example>',
      totalUsage: '*1*' as unknown as number,
      stages: [],
    };
    const p = presentRun({ run, capabilities: CAPS, live: false }, ctx);
    assert.equal(
      p.tooltip,
      [
        '**Run r1**',
        'Status: completed (COMPLETED)',
        'Started: \\!\\[p\\]\\(https\\:\\/\\/evil\\.example\\/pixel\\.png\\)',
        'Ended: \\<https\\:\\/\\/evil\\.example\\>',
        'Credits used: \\*1\\*',
      ].join('\n\n'),
    );
  });

  it('a stage: attempt and credits typed as numbers but sent as text', () => {
    const p = presentStage({ id: 's', name: 'fetch', status: 'failed', rawStatus: 'FAILED', attempt: LINK as unknown as number, creditUsage: '~~x~~' as unknown as number }, ctx);
    assert.equal(
      p.tooltip,
      ['**fetch**', 'Status: failed (FAILED)', 'Attempt: \\[click\\]\\(https\\:\\/\\/evil\\.example\\/x\\)', 'Credits used: \\~\\~x\\~\\~'].join('\n\n'),
    );
  });

  it('escapeMarkdown leaves letters, digits and spaces alone and escapes all ASCII punctuation', () => {
    assert.equal(escapeMarkdown('Run 42 of wf é'), 'Run 42 of wf é');
    assert.equal(escapeMarkdown('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'), '\\!\\"\\#\\$\\%\\&\\\'\\(\\)\\*\\+\\,\\-\\.\\/\\:\\;\\<\\=\\>\\?\\@\\[\\\\\\]\\^\\_\\`\\{\\|\\}\\~');
    assert.equal(escapeMarkdown(1.5), '1\\.5');
  });
});
