import type { Backend, PushReport, WorkflowMeta } from '../backend';
import type { FlowscopeError } from '../errors';
import { toFlowscopeError } from '../errors';
import { diffGraphs } from './diff';
import type { GraphDiffSummary } from './diff';
import type { GraphDiagnostic } from './graphDiagnostic';
import { hasErrors } from './graphDiagnostic';
import { toGraph } from './graphFile';
import { applyEdits, modify } from './jsonc';
import { serviceName } from './pushPlan';
import type { Graph } from './schema';
import { serverValidationDiagnostics } from './serverDiagnostics';
import { analyzeGraphText } from './validate';
import { metaOf } from './workflowMeta';

/**
 * "Push as new workflow", vscode-free, as the seeds' basic flow goes: create a workflow
 * (`POST /api/workflows` with the file's name), define its graph (`PUT …/graph`), then record the
 * binding in the file so push, pull and run go to it from then on.
 */

export interface CreateReview {
  readonly connection: string;
  readonly meta: WorkflowMeta & { readonly name: string };
  readonly local: Graph;
  /** Everything is new: every block and edge is an addition. */
  readonly summary: GraphDiffSummary;
}

export interface CreateRequest {
  readonly text: string;
  readonly backend: Backend;
  /** The name when the file has none (e.g. the file name without `.workflow.json`). */
  readonly fallbackName: string;
  readonly confirm: (review: CreateReview) => Promise<boolean>;
  readonly signal?: AbortSignal;
}

export type CreateOutcome =
  | { readonly status: 'invalid'; readonly diagnostics: readonly GraphDiagnostic[] }
  | { readonly status: 'unsupported'; readonly message: string }
  | { readonly status: 'bound'; readonly message: string }
  | { readonly status: 'declined'; readonly review: CreateReview }
  /** `text` is the file with its new binding. */
  | { readonly status: 'created'; readonly review: CreateReview; readonly workflowId: string; readonly report: PushReport; readonly text: string }
  /**
   * The workflow was created but its graph was not saved (refused, or the request failed): it
   * exists, empty. `text` is bound
   * to it anyway, so fixing the file and pushing again fills it instead of creating another.
   */
  | {
      readonly status: 'rejected';
      readonly review: CreateReview;
      readonly workflowId: string;
      readonly error: FlowscopeError;
      readonly diagnostics: readonly GraphDiagnostic[];
      readonly text: string;
    };

export async function createWorkflowFromFile(request: CreateRequest): Promise<CreateOutcome> {
  const { backend, signal } = request;
  const analysis = analyzeGraphText(request.text, { targetKind: backend.kind });
  if (hasErrors(analysis.diagnostics) || !analysis.file) {
    return { status: 'invalid', diagnostics: analysis.diagnostics.filter((d) => d.severity === 'error') };
  }
  if (!backend.createWorkflow || !backend.pushGraph || backend.capabilities.pushGraph !== 'replace') {
    return { status: 'unsupported', message: `${serviceName(backend)} has no API to create a workflow with a graph.` };
  }
  const bound = analysis.file.binding;
  if (bound) {
    return {
      status: 'bound',
      message: `This file is already bound to ${bound.connection}/${bound.workflowId}: push it there, or remove its "binding" to create a new workflow from it.`,
    };
  }
  const local = toGraph(analysis.file);
  const connection = backend.connection.name;
  const review: CreateReview = { connection, meta: metaOf(analysis.file, request.fallbackName), local, summary: diffGraphs(undefined, local) };
  if (!(await request.confirm(review))) return { status: 'declined', review };

  const created = await backend.createWorkflow(review.meta, signal);
  const text = withBinding(request.text, connection, created.id);
  try {
    const report = await backend.pushGraph(created.id, local, undefined, signal);
    return { status: 'created', review, workflowId: created.id, report: { ...report, steps: [`created workflow "${created.name}" (${created.id})`, ...report.steps] }, text };
  } catch (error) {
    const e = toFlowscopeError(error);
    if (e.reason === 'aborted') throw e;
    // Whatever went wrong, the workflow exists now: hand back its binding rather than lose it.
    const diagnostics = e.reason === 'validation' ? serverValidationDiagnostics(text, e.message) : [];
    return { status: 'rejected', review, workflowId: created.id, error: e, diagnostics, text };
  }
}

/** The file's text with `binding` set, everything else (comments, layout) kept. */
export function withBinding(text: string, connection: string, workflowId: string): string {
  const indent = /\n( +)"/.exec(text)?.[1]?.length ?? 2;
  const edits = modify(text, ['binding'], { connection, workflowId }, { formattingOptions: { insertSpaces: true, tabSize: indent } });
  return applyEdits(text, edits);
}
