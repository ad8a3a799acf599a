// The `when`-clause keys set at activation count the connections of the raw setting without zod;
// they must count exactly the entries the zod `ConnectionSetting` schema and `Settings.read`
// (src/extension/settings.ts) keep, or the welcome view hides while the explorer is empty.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keptConnections } from '../../src/extension/rawConnections';

const valid = { name: 'prod', kind: 'whiterabbit', baseUrl: 'https://wr.example' };

describe('keptConnections (the raw check behind the context keys)', () => {
  it('keeps every entry the schema accepts, with unknown fields and every optional field', () => {
    const raw = [
      valid,
      { name: ' local ', kind: 'powabase', sandbox: true, extra: 1 },
      { name: 'sv', kind: 'supervity', org: 'acme', protected: false, workflowIds: ['wf-1', { id: 'wf-2', name: 'Nightly' }] },
    ];
    assert.deepEqual(keptConnections(raw), [
      { name: 'prod', sandbox: false },
      { name: 'local', sandbox: true },
      { name: 'sv', sandbox: false },
    ]);
  });

  it('counts no entry the schema rejects', () => {
    const rejected: Array<[string, unknown]> = [
      ['not an object', 'prod'],
      ['null', null],
      ['an array', [valid]],
      ['no name', { kind: 'whiterabbit' }],
      ['a blank name', { ...valid, name: '  ' }],
      ['a name that is not a string', { ...valid, name: 7 }],
      ['no kind', { name: 'prod' }],
      ['an unknown kind', { ...valid, kind: 'jenkins' }],
      ['a baseUrl that is not a string', { ...valid, baseUrl: 8080 }],
      ['a null baseUrl', { ...valid, baseUrl: null }],
      ['a sandbox flag that is not a boolean', { ...valid, sandbox: 'yes' }],
      ['a protected flag that is not a boolean', { ...valid, protected: 'true' }],
      ['an org that is not a string', { ...valid, org: 3 }],
      ['workflowIds that is not an array', { ...valid, workflowIds: 'wf-1' }],
      ['a blank workflow id', { ...valid, workflowIds: [' '] }],
      ['a workflow entry without an id', { ...valid, workflowIds: [{ name: 'Nightly' }] }],
      ['a workflow name over 200 characters', { ...valid, workflowIds: [{ id: 'wf-1', name: 'n'.repeat(201) }] }],
    ];
    for (const [why, entry] of rejected) assert.deepEqual(keptConnections([entry]), [], why);
  });

  it('keeps only the first of two entries with one name, as Settings does', () => {
    const raw = [
      { name: 'dup', kind: 'whiterabbit' },
      { name: ' dup', kind: 'powabase', sandbox: true },
    ];
    assert.deepEqual(keptConnections(raw), [{ name: 'dup', sandbox: false }]);
  });

  it('reads a setting that is not an array as no connections', () => {
    assert.deepEqual(keptConnections(undefined), []);
    assert.deepEqual(keptConnections({ name: 'prod', kind: 'whiterabbit' }), []);
  });
});
