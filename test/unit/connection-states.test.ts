// The connection service (ConnectionStates) in plain Node against the real sandbox through the
// real adapters: a connection's lifetime, typed missing keys and internal errors.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConnectionStates } from '../../src/core/connections/states';
import { FlowscopeError, toFlowscopeError } from '../../src/core/errors';
import { RunStore } from '../../src/core/runs/runStore';
import type { StreamError } from '../../src/core/runs/runStore';
import type { Disposable } from '../../src/core/util/disposable';
import type { ExplorerNode } from '../../src/extension/tree/nodes';
import { Explorer } from '../../src/extension/tree/viewModel';
import type { Sandbox } from '../../src/sandbox/server';
import { TestConnections, sandboxConnections } from './helpers/explorer-harness';
import { SAMPLES_OF, startTestSandbox } from './helpers/sandbox-harness';

let sb: Sandbox;

before(async () => {
  sb = await startTestSandbox();
});
after(async () => {
  await sb.close();
});

function setup(names: readonly string[]) {
  const connections = new TestConnections();
  for (const { config, credentials } of sandboxConnections(sb)) if (names.includes(config.name)) connections.add(config, credentials);
  const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
  const states = new ConnectionStates({ connections, runs });
  return {
    connections,
    runs,
    states,
    dispose() {
      states.dispose();
      runs.dispose();
    },
  };
}

/** The next stream failure of a run; rejects after `ms` so a missing event fails the test instead of hanging it. */
function nextFailure(runs: RunStore, runId: string, ms = 10_000): Promise<StreamError> {
  let subscription: Disposable | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Promise<StreamError>((resolve, reject) => {
    subscription = runs.onDidFail((e) => {
      if (e.runId === runId) resolve(e);
    });
    timer = setTimeout(() => reject(new Error(`no stream failure of run ${runId} came`)), ms);
  }).finally(() => {
    subscription?.dispose();
    clearTimeout(timer);
  });
}

describe('connection states', () => {
  it('a key change restarts a live follow on the new backend, with the new key', async () => {
    const t = setup(['sv']);
    try {
      await t.states.ensureCatalog('sv');
      assert.equal(t.states.health('sv').state, 'ok');
      // The approval sample waits for a human forever (sandbox/samples/supervity.ts), so the run
      // stays live for as long as the test needs.
      const run = await t.runs.trigger('sv', SAMPLES_OF.sv.approval, {});
      assert.equal(t.runs.isLive('sv', run.id), true);
      const failed = nextFailure(t.runs, run.id);
      // A key the service refuses: only a follow that restarted with it can fail, the old
      // stream (old key) would go on quietly.
      t.connections.setCredentials('sv', { apiKey: 'sk_not_a_key_the_service_knows' });
      const failure = await failed;
      assert.equal(failure.error.reason, 'auth');
      assert.equal(failure.connection, 'sv');
    } finally {
      t.dispose();
    }
  });

  it('a missing key is a typed state, not a message to match', async () => {
    const t = setup([]);
    try {
      const [wr] = sandboxConnections(sb);
      assert.ok(wr);
      t.connections.add(wr.config); // no credentials stored
      await t.states.ensureCatalog('wr');
      const health = t.states.health('wr');
      assert.equal(health.state, 'missingKey');
      assert.equal(health.reason, 'missingKey');
      assert.equal(t.states.workflows('wr'), undefined);
    } finally {
      t.dispose();
    }
  });

  it('an internal error leaves the connection healthy; a refused connection is unreachable', async () => {
    const t = setup(['pb']);
    try {
      await t.states.ensureCatalog('pb');
      assert.equal(t.states.health('pb').state, 'ok');
      // A bug of ours (a TypeError thrown while handling a response) reaches the service as untyped.
      const bug = toFlowscopeError(new TypeError("Cannot read properties of undefined (reading 'id')"));
      assert.equal(bug.reason, 'internal');
      t.states.report('pb', bug);
      assert.equal(t.states.health('pb').state, 'ok');

      // A real refusal still marks a connection unreachable: a port nobody listens on.
      const port = await closedPort();
      t.connections.add({ name: 'gone', kind: 'powabase', baseUrl: `http://127.0.0.1:${port}` }, { apiKey: 'k' });
      await t.states.ensureCatalog('gone');
      assert.equal(t.states.health('gone').state, 'unreachable');
      assert.equal(t.states.health('gone').reason, 'network');
    } finally {
      t.dispose();
    }
  });

  it('a bug while loading the catalog shows as an internal error, not as the service failing', async () => {
    // Our own bug (a TypeError) in the code that builds the backend, on an otherwise good connection.
    class BuggyConnections extends TestConnections {
      override resolve(): Promise<never> {
        return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'baseUrl')"));
      }
    }
    const connections = new BuggyConnections();
    const pb = sandboxConnections(sb).find((c) => c.config.name === 'pb');
    assert.ok(pb);
    connections.add(pb.config, pb.credentials);
    const runs = new RunStore({ backendFor: (name) => connections.backend(name) });
    const explorer = new Explorer({ connections, runs });
    try {
      const [root] = await explorer.children();
      assert.ok(root);
      const children = await explorer.children(root);
      assert.deepEqual(
        children.map((c) => c.id),
        ['msg/pb//internal'],
      );
      assert.equal(explorer.item(children[0] as ExplorerNode).label, 'Flowscope hit an internal error — retry');
      assert.equal(explorer.health('pb').state, 'unknown', 'health untouched: nothing is known about the service');
    } finally {
      explorer.dispose();
      runs.dispose();
    }
  });

  it('a typed missing key from a command sets the same state', () => {
    const t = setup(['pb']);
    try {
      t.states.report('pb', new FlowscopeError('missingKey', 'No API key is stored for this connection.'));
      assert.equal(t.states.health('pb').state, 'missingKey');
    } finally {
      t.dispose();
    }
  });
});

/** A loopback port that was just free: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}
