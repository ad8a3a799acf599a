import type { KnownConnection } from '../../core/connections/states';
import type { Run, Workflow } from '../../core/model';
import type { Translate } from '../../shared/format';
import { shortId } from '../../shared/format';
import { serviceBesideName, statusLabel } from '../tree/present';

/**
 * The quick-pick items of the one picker (connection → workflow → run), kept free of `vscode` so
 * the labels and their order are tested in plain Node. Every picker shows the same rows.
 */
export interface ConnectionItem {
  readonly label: string;
  readonly description?: string;
  readonly detail: string;
  readonly connection: string;
}

export interface WorkflowItem {
  readonly label: string;
  readonly description?: string;
  readonly detail: string;
  readonly workflowId: string;
}

export interface RunItem {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
  readonly target: { readonly connection: string; readonly runId: string; readonly workflowId?: string };
}

/** Connections in their configured order (the tree's order), with their service and address. */
export function connectionItems(connections: readonly KnownConnection[], t: Translate): ConnectionItem[] {
  return connections.map((c) => {
    const service = serviceBesideName(c.name, c.kind);
    return {
      label: c.name,
      ...(service ? { description: service } : {}),
      detail: c.sandbox ? t('Embedded sandbox') : c.baseUrl,
      connection: c.name,
    };
  });
}

/**
 * Workflows in the tree's order under the tree's names (`Explorer.workflows()`); the full id is
 * the detail, so a shortened id or a label can still be matched by id.
 */
export function workflowItems(workflows: readonly Workflow[]): WorkflowItem[] {
  return workflows.map((w) => ({ label: w.name || w.id, ...(w.state ? { description: w.state } : {}), detail: w.id, workflowId: w.id }));
}

/**
 * Runs as the run pickers list them: short id, connection and the workflow under the tree's name
 * (`workflowName` looks it up), status. `icon` prefixes the label (the live runs' spinner).
 */
export function runItems(
  runs: ReadonlyArray<{ connection: string; run: Run }>,
  t: Translate,
  workflowName: (connection: string, workflowId: string) => string | undefined,
  icon?: string,
): RunItem[] {
  return runs.map(({ connection, run }) => {
    const workflow = (run.workflowId && workflowName(connection, run.workflowId)) || run.workflowName || run.workflowId || '';
    const label = t('Run {0}', shortId(run.id));
    return {
      label: icon ? `${icon} ${label}` : label,
      description: `${connection} · ${workflow}`,
      detail: statusLabel(run.status, t),
      target: { connection, runId: run.id, ...(run.workflowId ? { workflowId: run.workflowId } : {}) },
    };
  });
}
