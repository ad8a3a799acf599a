// The walkthrough shows steps already done as done (issue 13): the sandbox, a connection and a
// triggered run complete on context keys the extension sets from what is true, not only on the
// command a user would have run from the walkthrough itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { walkthroughs: Array<{ id: string; steps: Array<{ id: string; completionEvents?: string[] }> }> };
};
const source = readFileSync(join(root, 'src', 'extension', 'walkthrough.ts'), 'utf8');

it('the sandbox, connect and trigger steps complete on context keys that the extension sets', () => {
  const steps = pkg.contributes.walkthroughs.find((w) => w.id === 'flowscope.gettingStarted')?.steps ?? [];
  const events = (id: string): string[] => steps.find((s) => s.id === id)?.completionEvents ?? [];
  assert.ok(events('sandbox').includes('onContext:flowscope.walkthrough.sandbox'), JSON.stringify(events('sandbox')));
  assert.ok(events('connect').includes('onContext:flowscope.walkthrough.connection'), JSON.stringify(events('connect')));
  assert.ok(events('trigger').includes('onContext:flowscope.walkthrough.triggered'), JSON.stringify(events('trigger')));
  for (const key of ['flowscope.walkthrough.sandbox', 'flowscope.walkthrough.connection', 'flowscope.walkthrough.triggered']) {
    assert.ok(source.includes(`'${key}'`), `${key} is set by src/extension/walkthrough.ts`);
  }
});
