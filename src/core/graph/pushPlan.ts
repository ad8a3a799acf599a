import type { Backend, PushReport, WorkflowMeta } from '../backend';
import { diffComponents } from '../adapters/whiterabbit/components';
import type { FlowscopeError } from '../errors';
import { toFlowscopeError } from '../errors';
import type { Translate } from '../../shared/format';
import { identityTranslate } from '../../shared/format';
import type { GraphDiagnostic } from './graphDiagnostic';
import { hasErrors } from './graphDiagnostic';
import { diffGraphs } from './diff';
import type { GraphDiffSummary } from './diff';
import type { GraphFile } from './graphFile';
import { toGraph } from './graphFile';
import type { Graph } from './schema';
import { serverValidationDiagnostics } from './serverDiagnostics';
import { analyzeGraphText } from './validate';
import { metaChanges, metaFields } from './workflowMeta';

/**
 * Push as one vscode-free sequence: validate → fetch the server's graph → diff → ask → push →
 * report. The editor and the CLI supply `confirm` (a diff editor and a modal, or a prompt), and
 * tests supply a function returning false to check that a declined push changes nothing.
 */

/** Where the "before" side of the review came from. */
export type BaselineSource =
  /** Read from the server just now. */
  | 'server'
  /** The service cannot serve its graph (White Rabbit): the graph last pushed or pulled here. */
  | 'remembered'
  /** Neither: every block is sent, and the service merges it. */
  | 'none';

export interface PushReview {
  readonly workflowId: string;
  readonly local: Graph;
  readonly file: GraphFile;
  readonly baseline: Graph | undefined;
  readonly baselineSource: BaselineSource;
  readonly summary: GraphDiffSummary;
  readonly mode: 'replace' | 'components';
  /** Changes the service's API cannot make, known before pushing (White Rabbit). */
  readonly notApplicable: readonly string[];
  /** The workflow's own fields (name, description, inputs) that differ from the file's. */
  readonly meta: WorkflowMeta;
}

export interface PushRequest {
  readonly text: string;
  readonly backend: Backend;
  readonly workflowId: string;
  /** The last graph pushed or pulled for this workflow, for services without getGraph. */
  readonly remembered?: Graph;
  readonly confirm: (review: PushReview) => Promise<boolean>;
  readonly signal?: AbortSignal;
}

export type PushOutcome =
  | { readonly status: 'invalid'; readonly diagnostics: readonly GraphDiagnostic[] }
  | { readonly status: 'unsupported'; readonly message: string }
  | { readonly status: 'unchanged'; readonly review: PushReview }
  | { readonly status: 'declined'; readonly review: PushReview }
  | { readonly status: 'pushed'; readonly review: PushReview; readonly report: PushReport }
  /** The server refused the graph; `diagnostics` place its message in the file. */
  | { readonly status: 'rejected'; readonly review: PushReview; readonly error: FlowscopeError; readonly diagnostics: readonly GraphDiagnostic[] };

export async function pushGraphFile(request: PushRequest): Promise<PushOutcome> {
  const { backend, workflowId, signal } = request;
  const analysis = analyzeGraphText(request.text, { targetKind: backend.kind });
  if (hasErrors(analysis.diagnostics) || !analysis.file) {
    return { status: 'invalid', diagnostics: analysis.diagnostics.filter((d) => d.severity === 'error') };
  }
  const mode = backend.capabilities.pushGraph;
  if (mode === 'none' || !backend.pushGraph) {
    return { status: 'unsupported', message: `${serviceName(backend)} has no API to change a workflow's graph.` };
  }
  const local = toGraph(analysis.file);

  let baseline: Graph | undefined;
  let baselineSource: BaselineSource;
  if (backend.capabilities.getGraph && backend.getGraph) {
    baseline = await backend.getGraph(workflowId, signal);
    baselineSource = 'server';
  } else {
    baseline = request.remembered;
    baselineSource = baseline ? 'remembered' : 'none';
  }

  // Where the service keeps name, description and inputs apart from the graph (Powabase), they
  // are pushed too, so a pull right after gives back the same file.
  const meta = backend.updateWorkflow ? metaChanges(analysis.file, await backend.getWorkflow(workflowId, signal)) : {};
  const notApplicable = mode === 'components' ? diffComponents(local, baseline).notApplied : [];
  const review: PushReview = { workflowId, local, file: analysis.file, baseline, baselineSource, summary: diffGraphs(baseline, local), mode, notApplicable, meta };
  const metaChanged = metaFields(meta).length > 0;
  // With a known baseline and nothing to change there is nothing to ask about. Without one
  // (White Rabbit, first push) the user still decides, since the server may differ.
  if (baseline && review.summary.total === 0 && !metaChanged) return { status: 'unchanged', review };
  if (!(await request.confirm(review))) return { status: 'declined', review };

  try {
    const graphChanged = !baseline || review.summary.total > 0;
    const report = graphChanged ? await backend.pushGraph(workflowId, local, baseline, signal) : { steps: [], notApplied: [] };
    if (metaChanged && backend.updateWorkflow) {
      await backend.updateWorkflow(workflowId, meta, signal);
      return { status: 'pushed', review, report: { ...report, steps: [...report.steps, `updated the workflow's ${metaFields(meta).join(', ')}`] } };
    }
    return { status: 'pushed', review, report };
  } catch (error) {
    const e = toFlowscopeError(error);
    if (e.reason === 'validation') {
      return { status: 'rejected', review, error: e, diagnostics: serverValidationDiagnostics(request.text, e.message) };
    }
    throw e;
  }
}

export function serviceName(backend: Backend): string {
  switch (backend.kind) {
    case 'powabase':
      return 'Powabase';
    case 'whiterabbit':
      return 'White Rabbit';
    case 'supervity':
      return 'Supervity Auto';
  }
}


/**
 * The confirmation question. It names what the push really writes to, the connection and the
 * workflow id, never the file's own `name`: a repository controls that field and could make a
 * push to production read like a push to a sandbox.
 */
export function pushQuestion(review: PushReview, connection: string, t: Translate = identityTranslate): string {
  const graphChanges = review.baselineSource === 'none' ? review.local.blocks.length : review.summary.total;
  // Each changed workflow field (name, description, variables) is one more change the push makes.
  const count = graphChanges + Object.keys(review.meta).length;
  return t('Push {0} change(s) to workflow {1} on connection "{2}"?', count, review.workflowId, connection);
}
