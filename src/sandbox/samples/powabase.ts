import type { BlockType } from '../../core/graph/schema';
import type { VariableSpec, WorkflowRecord } from '../types';
import { GraphBuilder, layeredGraph, sampleWorkflow, words } from './builder';
import type { SampleMeta } from './builder';

/**
 * Powabase's samples: graphs of typed, named blocks (`starter`, `agent`, `code`, `condition`,
 * `response`…) with the short ids their authors give them in `PUT /graph`, as the seed's example
 * does (`start`, `out`). Variables are the run inputs (`/execute` `variables`).
 *
 * Ids are fixed (valid v4 UUIDs) so docs, tests and users' configs can name them on any machine;
 * `5a4d0b02` marks Powabase's, and no other face uses them.
 */
export const POWABASE_SAMPLE_IDS = {
  linear: '5a4d0b02-0001-4000-8000-000000000201',
  fanout: '5a4d0b02-0002-4000-8000-000000000202',
  condition: '5a4d0b02-0003-4000-8000-000000000203',
  retry: '5a4d0b02-0004-4000-8000-000000000204',
  failing: '5a4d0b02-0005-4000-8000-000000000205',
  long: '5a4d0b02-0006-4000-8000-000000000206',
  large: '5a4d0b02-0007-4000-8000-000000000207',
} as const;

/** The linear sample's webhook block: minted here because Powabase expects the client to mint them. */
export const POWABASE_SAMPLE_WEBHOOK = { id: '5a4d0b02-00a1-4000-8000-0000000002a1', secret: 'whsec_sandbox_linear_demo' };

const meta = (id: string, name: string, description: string, variables: Record<string, VariableSpec> = {}): SampleMeta => ({ face: 'powabase', id, name, description, variables });

const topicVar: Record<string, VariableSpec> = { topic: { type: 'string', default: 'solar batteries', description: 'What the agents write about' } };

function linear(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const start = g.block('start', 'starter', 'Start', {}, 0, 0);
  const hook = g.block('hook', 'webhook', 'Webhook trigger', { webhook_id: POWABASE_SAMPLE_WEBHOOK.id, webhook_secret: POWABASE_SAMPLE_WEBHOOK.secret }, 0, 160);
  const research = g.block('research', 'agent', 'Research', { durationMs: 1500, tokens: words('Looking into {{topic}}: three sources agree on the basics. ') }, 240, 80);
  const outline = g.block('outline', 'code', 'Outline', { durationMs: 400, output: { sections: ['Context', 'Findings', 'Next steps'] } }, 480, 80);
  const draft = g.block('draft', 'agent', 'Draft', { durationMs: 1800, tokens: words('A short brief on {{topic}}, in three sections, ready for review. ') }, 720, 80);
  const done = g.block('respond', 'response', 'Respond', { output: { brief: 'Brief on {{topic}}', sections: 3 } }, 960, 80);
  g.chain(start, research, outline, draft, done);
  g.edge(hook, research);
  return sampleWorkflow(meta(POWABASE_SAMPLE_IDS.linear, 'Research brief (linear)', 'Five steps in a row; also triggerable by webhook once armed.', topicVar), g, at);
}

function fanout(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const start = g.block('start', 'starter', 'Start');
  const split = g.block('split', 'split', 'Split by region', { output: { regions: ['eu', 'us', 'apac'] } }, 200, 0);
  const merge = g.block('merge', 'orchestration', 'Merge quotes', { durationMs: 500 }, 640, 0);
  g.edge(start, split);
  [['eu', 700], ['us', 1100], ['apac', 1500]].forEach(([region, ms], i) => {
    const id = g.block(`quote-${region}`, 'general_api', `Quote ${String(region).toUpperCase()}`, { durationMs: ms, output: { region, price: 100 + i * 7 } }, 420, (i - 1) * 140);
    g.edge(split, id);
    g.edge(id, merge);
  });
  const summary = g.block('summary', 'agent', 'Summarize', { durationMs: 1000, tokens: words('Cheapest region for {{product}} is EU at 100. ') }, 860, 0);
  const done = g.block('respond', 'response', 'Respond', {}, 1080, 0);
  g.chain(merge, summary, done);
  const vars: Record<string, VariableSpec> = { product: { type: 'string', default: 'widgets', description: 'Product to price' } };
  return sampleWorkflow(meta(POWABASE_SAMPLE_IDS.fanout, 'Regional quotes (fan-out / fan-in)', 'Three quotes fetched in parallel, then merged.', vars), g, at);
}

function condition(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const start = g.block('start', 'starter', 'Start');
  const classify = g.block('classify', 'agent', 'Classify ticket', { durationMs: 800, tokens: words('This ticket reads as {{priority}}. ') }, 200, 0);
  const route = g.block('route', 'condition', 'Is it urgent?', { route: '{{priority}}' }, 420, 0);
  const page = g.block('page', 'platform_api', 'Page on-call', { durationMs: 600, output: { paged: true } }, 640, -100);
  const queue = g.block('queue', 'general_api', 'Add to backlog', { durationMs: 500, output: { queued: true } }, 640, 100);
  const done = g.block('respond', 'response', 'Respond', {}, 860, 0);
  g.chain(start, classify, route);
  g.edge(route, page, 'urgent');
  g.edge(route, queue, 'normal');
  g.edge(page, done);
  g.edge(queue, done);
  const vars: Record<string, VariableSpec> = { priority: { type: 'string', default: 'normal', description: '"urgent" pages on-call; anything else goes to the backlog' } };
  return sampleWorkflow(meta(POWABASE_SAMPLE_IDS.condition, 'Ticket triage (condition)', 'Routes on the condition block\'s output.route.', vars), g, at);
}

function retry(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const start = g.block('start', 'starter', 'Start');
  const flaky = g.block('ledger', 'platform_api', 'Read ledger (flaky)', { durationMs: 500, failAttempts: 2, attempts: 3, error: 'ledger timed out', output: { balance: '1000000' } }, 220, 0);
  const report = g.block('report', 'agent', 'Report balance', { durationMs: 700, tokens: words('Balance read after retries: 1000000. ') }, 440, 0);
  const done = g.block('respond', 'response', 'Respond', {}, 660, 0);
  g.chain(start, flaky, report, done);
  return sampleWorkflow(meta(POWABASE_SAMPLE_IDS.retry, 'Flaky ledger (fails, then succeeds on retry)', 'Attempts 1 and 2 fail, attempt 3 succeeds.'), g, at);
}

function failing(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const start = g.block('start', 'starter', 'Start');
  const fetch = g.block('fetch', 'general_api', 'Fetch quote', { durationMs: 400, output: { quote: 42 } }, 220, 0);
  const broken = g.block('broken', 'general_api', 'Call upstream (broken)', { durationMs: 500, failAttempts: 2, attempts: 2, error: 'upstream returned 502 Bad Gateway' }, 440, 0);
  const notify = g.block('notify', 'agent', 'Notify', { durationMs: 600 }, 660, 0);
  const done = g.block('respond', 'response', 'Respond', {}, 880, 0);
  g.chain(start, fetch, broken, notify, done);
  return sampleWorkflow(meta(POWABASE_SAMPLE_IDS.failing, 'Broken upstream (fails for good)', 'The third step fails on both attempts; the rest is skipped.'), g, at);
}

function long(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const ids = [g.block('start', 'starter', 'Start')];
  const stages = ['Collect', 'Clean', 'Enrich', 'Analyze', 'Review', 'Publish'];
  stages.forEach((name, i) => {
    const type: BlockType = i === 3 ? 'agent' : 'code';
    const cfg: Record<string, unknown> = { durationMs: 10_000 };
    if (type === 'agent') cfg.tokens = words('Analyzing {{dataset}} slowly, one careful step at a time, so there is time to cancel. ');
    ids.push(g.block(name.toLowerCase(), type, name, cfg, (i + 1) * 200, 0));
  });
  ids.push(g.block('respond', 'response', 'Respond', {}, 1400, 0));
  g.chain(...ids);
  const vars: Record<string, VariableSpec> = { dataset: { type: 'string', default: 'q3-sales.csv', description: 'Dataset to process' } };
  return sampleWorkflow(meta(POWABASE_SAMPLE_IDS.long, 'Nightly batch (long run, ~60 s)', 'Six ten-second stages: a good one to cancel.', vars), g, at);
}

function large(at: string): WorkflowRecord {
  const g = new GraphBuilder();
  const types: BlockType[] = ['code', 'general_api', 'agent', 'platform_api'];
  layeredGraph(g, {
    start: ['starter', 'Start', {}],
    end: ['response', 'Respond', { output: { blocks: 200 } }],
    layer: (layer, i) => {
      const type = types[(layer + i) % types.length] as BlockType;
      return [type, `Step ${layer + 1}.${i + 1}`, type === 'agent' ? { tokens: ['step ', `${layer}.${i} `, 'done'] } : {}];
    },
  });
  return sampleWorkflow(meta(POWABASE_SAMPLE_IDS.large, 'Big graph (200 blocks)', 'Nine layers of 22 blocks between start and respond.'), g, at);
}

export function powabaseSamples(createdAt: string): WorkflowRecord[] {
  return [linear(createdAt), fanout(createdAt), condition(createdAt), retry(createdAt), failing(createdAt), long(createdAt), large(createdAt)];
}
