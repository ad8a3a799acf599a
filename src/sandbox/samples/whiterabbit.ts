import type { BlockType } from '../../core/graph/schema';
import type { WorkflowRecord } from '../types';
import { GraphBuilder, layeredGraph, sampleWorkflow } from './builder';

/**
 * White Rabbit's samples: workflows of components, each running one of White Rabbit's modules
 * (the EVM and key modules, `API_CALL`, and the in-engine logic modules `ON_API_CALLED`,
 * `FOR_EACH`, `ARRAY_BUILDER`, `STRING_CONSTANT`; see api-contracts.md A.2, "Known module
 * names"). Components have UUIDs, as the id in the dashboard URL is. A trigger carries no inputs
 * (the SDK sends `{}`), so every component takes its data from its own config.
 *
 * White Rabbit has no branching module, so this face has no condition sample. `5a4d0b01` marks
 * White Rabbit's workflow ids, and no other face uses them.
 */
export const WHITERABBIT_SAMPLE_IDS = {
  linear: '5a4d0b01-0001-4000-8000-000000000101',
  fanout: '5a4d0b01-0002-4000-8000-000000000102',
  retry: '5a4d0b01-0004-4000-8000-000000000104',
  failing: '5a4d0b01-0005-4000-8000-000000000105',
  long: '5a4d0b01-0006-4000-8000-000000000106',
  large: '5a4d0b01-0007-4000-8000-000000000107',
} as const;

/** The engine block type a module runs as (it decides the credits and default timings). */
const MODULE_TYPES: Record<string, BlockType> = {
  ON_API_CALLED: 'starter',
  FOR_EACH: 'split',
  ARRAY_BUILDER: 'code',
  STRING_CONSTANT: 'code',
  RANDOM_UUID: 'code',
  API_CALL: 'general_api',
  GET_EVM_ACCOUNT_BALANCE: 'platform_api',
  WAIT_FOR_EVM_TRANSACTION: 'platform_api',
  BROADCAST_EVM_TRANSACTION: 'platform_api',
  SIGN_EVM_TRANSACTION: 'platform_api',
  GET_EVM_DERIVATION_PATH: 'code',
  COMPUTE_PUBLIC_KEY: 'code',
  COMPUTE_EVM_ADDRESS: 'code',
  GENERATE_ROOT_KEY: 'platform_api',
  GENERATE_AGE_ENCRYPTION: 'code',
};

const TREASURY = '0x5a4d0b01c0de00000000000000000000000f00d1';

/** Components of workflow `n` get ids `5a4d0c01-000n-4000-8000-<index>`: fixed, and UUIDs. */
function components(n: number): GraphBuilder {
  return new GraphBuilder((_key, index) => `5a4d0c01-${String(n).padStart(4, '0')}-4000-8000-${String(index).padStart(12, '0')}`);
}

/** Adds a component running `module`; its config carries the module name, as White Rabbit's does. */
function component(g: GraphBuilder, module: string, name: string, config: Record<string, unknown> = {}, x = 0, y = 0): string {
  return g.block(name, MODULE_TYPES[module] ?? 'code', name, { module, ...config }, x, y);
}

function trigger(g: GraphBuilder): string {
  return component(g, 'ON_API_CALLED', 'On API call', {}, 0, 0);
}

const meta = (id: string, name: string, description: string) => ({ face: 'whiterabbit' as const, id, name, description });

function linear(at: string): WorkflowRecord {
  const g = components(1);
  const ids = [
    trigger(g),
    component(g, 'STRING_CONSTANT', 'Treasury address', { value: TREASURY, durationMs: 300, output: { value: TREASURY } }, 240, 0),
    component(g, 'GET_EVM_ACCOUNT_BALANCE', 'Get treasury balance', { chainId: 1, durationMs: 2500, output: { balance: '1000000' } }, 480, 0),
    component(g, 'API_CALL', 'Post balance to accounting', { url: 'https://accounting.example.com/balances', method: 'POST', durationMs: 2000, output: { status: 201, body: { recorded: true } } }, 720, 0),
    component(g, 'ARRAY_BUILDER', 'Build report', { durationMs: 400, output: { items: ['treasury', '1000000'] } }, 960, 0),
  ];
  g.chain(...ids);
  return sampleWorkflow(meta(WHITERABBIT_SAMPLE_IDS.linear, 'Treasury balance report', 'Reads the treasury balance and posts it to accounting, one component after another.'), g, at);
}

function fanout(at: string): WorkflowRecord {
  const g = components(2);
  const start = trigger(g);
  const each = component(g, 'FOR_EACH', 'For each chain', { durationMs: 200, output: { items: [1, 8453, 42161] } }, 200, 0);
  const collect = component(g, 'ARRAY_BUILDER', 'Collect balances', { durationMs: 400 }, 640, 0);
  g.edge(start, each);
  ([['Ethereum', 1, 700], ['Base', 8453, 1100], ['Arbitrum', 42161, 1500]] as const).forEach(([chain, chainId, ms], i) => {
    const id = component(g, 'GET_EVM_ACCOUNT_BALANCE', `Balance on ${chain}`, { chainId, durationMs: ms, output: { balance: String(1_000_000 + i * 250_000) } }, 420, (i - 1) * 140);
    g.edge(each, id);
    g.edge(id, collect);
  });
  const notify = component(g, 'API_CALL', 'Notify treasury channel', { url: 'https://hooks.example.com/treasury', method: 'POST', durationMs: 600 }, 860, 0);
  g.edge(collect, notify);
  return sampleWorkflow(meta(WHITERABBIT_SAMPLE_IDS.fanout, 'Multi-chain balances', 'Three chains read in parallel, then collected into one list.'), g, at);
}

function retry(at: string): WorkflowRecord {
  const g = components(4);
  g.chain(
    trigger(g),
    component(g, 'GET_EVM_ACCOUNT_BALANCE', 'Get balance (flaky RPC)', { chainId: 1, durationMs: 500, failAttempts: 2, attempts: 3, error: 'RPC request timed out', output: { balance: '1000000' } }, 220, 0),
    component(g, 'API_CALL', 'Post balance to accounting', { url: 'https://accounting.example.com/balances', method: 'POST', durationMs: 700 }, 440, 0),
  );
  return sampleWorkflow(meta(WHITERABBIT_SAMPLE_IDS.retry, 'Balance check (flaky RPC)', 'The balance read fails twice, then succeeds on its third attempt.'), g, at);
}

function failing(at: string): WorkflowRecord {
  const g = components(5);
  g.chain(
    trigger(g),
    component(g, 'COMPUTE_EVM_ADDRESS', 'Compute sender address', { durationMs: 300, output: { address: TREASURY } }, 220, 0),
    component(g, 'SIGN_EVM_TRANSACTION', 'Sign sweep transaction', { durationMs: 400, output: { signedTx: '0x02f8' } }, 440, 0),
    component(g, 'BROADCAST_EVM_TRANSACTION', 'Broadcast transaction', { durationMs: 500, failAttempts: 2, attempts: 2, error: 'insufficient funds for gas * price + value' }, 660, 0),
    component(g, 'WAIT_FOR_EVM_TRANSACTION', 'Wait for confirmation', { confirmations: 1, durationMs: 600 }, 880, 0),
  );
  return sampleWorkflow(meta(WHITERABBIT_SAMPLE_IDS.failing, 'Hot wallet sweep (broadcast fails)', 'The broadcast fails on both attempts; the confirmation wait never runs.'), g, at);
}

function long(at: string): WorkflowRecord {
  const g = components(6);
  const steps: [string, string, Record<string, unknown>][] = [
    ['GENERATE_ROOT_KEY', 'Generate root key', {}],
    ['GET_EVM_DERIVATION_PATH', 'Derivation path', { account: 0 }],
    ['COMPUTE_PUBLIC_KEY', 'Compute public key', {}],
    ['COMPUTE_EVM_ADDRESS', 'Compute address', {}],
    ['GENERATE_AGE_ENCRYPTION', 'Encrypt backup', {}],
    ['API_CALL', 'Register address', { url: 'https://custody.example.com/addresses', method: 'POST' }],
  ];
  g.chain(trigger(g), ...steps.map(([module, name, cfg], i) => component(g, module, name, { ...cfg, durationMs: 10_000 }, (i + 1) * 200, 0)));
  return sampleWorkflow(meta(WHITERABBIT_SAMPLE_IDS.long, 'Cold wallet setup (long run, ~60 s)', 'Six ten-second key ceremony steps: a good one to watch.'), g, at);
}

function large(at: string): WorkflowRecord {
  const g = components(7);
  const modules = ['STRING_CONSTANT', 'API_CALL', 'GET_EVM_ACCOUNT_BALANCE', 'RANDOM_UUID'];
  layeredGraph(g, {
    start: ['starter', 'On API call', { module: 'ON_API_CALLED' }],
    end: ['code', 'Build summary', { module: 'ARRAY_BUILDER', output: { components: 200 } }],
    layer: (layer, i) => {
      const module = modules[(layer + i) % modules.length] as string;
      return [MODULE_TYPES[module] ?? 'code', `Component ${layer + 1}.${i + 1}`, { module }];
    },
  });
  return sampleWorkflow(meta(WHITERABBIT_SAMPLE_IDS.large, 'Big graph (200 components)', 'Nine layers of 22 components between the trigger and the summary.'), g, at);
}

export function whiteRabbitSamples(createdAt: string): WorkflowRecord[] {
  return [linear(createdAt), fanout(createdAt), retry(createdAt), failing(createdAt), long(createdAt), large(createdAt)];
}
