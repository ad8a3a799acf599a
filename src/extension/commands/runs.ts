import * as vscode from 'vscode';
import { durationBetween } from '../../core/model';
import { shortId, statusLabel } from '../tree/present';
import { Commands, GRAPH_OPEN_COMMAND } from '../commandIds';
import type { PaletteDeps } from '../features';
import { isNode } from '../pick/targets';
import { withAbortSignal } from '../pick/abort';
import { registerCommand, scoped } from './register';
import type { LogEntryInput } from '../../shared/logText';
import { formatLogText, logLinesOf, startedLine } from '../../shared/logText';

/** Commands that read runs: refresh, paging, copy id, graph, logs, outputs, the live list. */
export function registerRunCommands(deps: PaletteDeps): vscode.Disposable {

  return vscode.Disposable.from(
    registerCommand(Commands.treeRefresh, (arg) => deps.explorer.refresh(isNode(arg) ? arg : undefined), deps),
    registerCommand(Commands.runsLoadMore, (arg) => (isNode(arg) && arg.kind === 'loadMore' ? deps.explorer.loadMore(arg.connection, arg.workflowId) : undefined), deps),
    registerCommand(Commands.runCopyId, (arg, selection) => copyIds(deps, arg, selection), deps),
    registerCommand(Commands.runOpenGraph, (arg) => openGraph(deps, arg), deps),
    registerCommand(Commands.runShowLogs, (arg) => showLogs(deps, arg), deps),
    registerCommand(Commands.stageShowOutput, (arg) => showStageOutput(deps, arg), deps),
    registerCommand(Commands.runReveal, (arg) => reveal(deps, arg), deps),
    registerCommand(Commands.runsShowLive, () => showLive(deps), deps),
    registerCommand(Commands.logShow, () => deps.showLog(), deps),
  );
}

async function copyIds(deps: PaletteDeps, arg: unknown, selection: unknown): Promise<void> {
  const targets = await deps.pickers.runs(arg, selection, vscode.l10n.t('Run id to copy'));
  if (!targets.length) return;
  await vscode.env.clipboard.writeText(targets.map((t) => t.runId).join('\n'));
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0} run id(s).', targets.length), 3_000);
}

async function openGraph(deps: PaletteDeps, arg: unknown): Promise<void> {
  const target = await deps.pickers.workflow(arg, vscode.l10n.t('Workflow to show'));
  if (!target) return;
  // Without an argument the selected row is the target (see ExplorerTree.selection).
  const node = isNode(arg) ? arg : arg === undefined ? deps.tree.selection.find(isNode) : undefined;
  const runId = node && (node.kind === 'run' || node.kind === 'stage') && node.connection === target.connection ? node.runId : undefined;
  // Always registered: every command id has its stub from activation on (register.ts).
  await vscode.commands.executeCommand(GRAPH_OPEN_COMMAND, { connection: target.connection, workflowId: target.workflowId, runId });
}

async function showLogs(deps: PaletteDeps, arg: unknown): Promise<void> {
  const [target] = await deps.pickers.runs(arg, undefined, vscode.l10n.t('Run whose logs to show'));
  if (!target) return;
  // From a stage row, that stage's lines only.
  const stageId = isNode(arg) && arg.kind === 'stage' ? arg.stageId : undefined;
  const backend = await deps.pickers.backend(target.connection);
  const logs = backend.logs?.bind(backend);
  const ref = { id: target.runId, workflowId: target.workflowId };
  // The run gives the heading and the stages' times (a service's log entries carry none).
  let run = deps.runs.get(target.connection, target.runId);
  let entries: readonly LogEntryInput[];
  if (logs) {
    entries = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the logs of run {0}…', shortId(target.runId)), cancellable: true },
      (_p, token) => withAbortSignal(token, (signal) => scoped(target.connection, logs(ref, signal))),
    );
  } else {
    // Without a logs endpoint, the run's own record of its stages is the log there is.
    run = await scoped(target.connection, deps.runs.refresh(target.connection, ref));
    entries = run.stages.map((s) => ({ stageId: s.id, stageName: s.name, status: s.rawStatus || s.status, durationMs: s.durationMs, output: s.output, error: s.error }));
  }
  const stages = run?.stages ?? [];
  const workflowId = run?.workflowId ?? target.workflowId;
  const workflowName = run?.workflowName ?? (workflowId ? deps.explorer.workflow(target.connection, workflowId)?.name : undefined) ?? workflowId;
  const stageName = stageId === undefined ? undefined : (stages.find((s) => s.id === stageId)?.name ?? stageId);
  const shown = stageId === undefined ? entries : entries.filter((e) => e.stageId === stageId);
  const heading = [
    [vscode.l10n.t('Run {0}', target.runId), workflowName, run ? statusLabel(run.status, vscode.l10n.t) : undefined, target.connection].filter(Boolean).join(' · '),
    startedLine(run?.createdAt ?? stages.find((s) => s.startedAt)?.startedAt),
  ].filter((l): l is string => l !== undefined);
  const title =
    stageName === undefined
      ? vscode.l10n.t('Logs of run {0} ({1})', shortId(target.runId), workflowName ?? target.connection)
      : vscode.l10n.t('Logs of {0} in run {1}', stageName, shortId(target.runId));
  await deps.documents.showText([target.connection, target.runId], title, formatLogText(heading, logLinesOf(shown, stages)));
}

async function showStageOutput(deps: PaletteDeps, arg: unknown): Promise<void> {
  if (!isNode(arg) || arg.kind !== 'stage') return;
  const stage = deps.runs.get(arg.connection, arg.runId)?.stages.find((s) => s.id === arg.stageId);
  if (!stage) return;
  await deps.documents.show([arg.connection, arg.runId, `stage-${stage.name || stage.id}`], {
    stage: stage.name,
    type: stage.type,
    status: stage.rawStatus || stage.status,
    attempt: stage.attempt,
    durationMs: stage.durationMs ?? durationBetween(stage.startedAt, stage.endedAt),
    creditUsage: stage.creditUsage,
    error: stage.error,
    input: stage.input,
    output: stage.output,
    text: stage.text,
  });
}

async function reveal(deps: PaletteDeps, arg: unknown): Promise<void> {
  const [target] = await deps.pickers.runs(arg, undefined, vscode.l10n.t('Run to show'));
  if (!target) return;
  const node = deps.explorer.runNode(target.connection, target.runId);
  if (node) await deps.tree.reveal(node, { focus: true, expand: true });
}

async function showLive(deps: PaletteDeps): Promise<void> {
  const target = await deps.pickers.liveRun(vscode.l10n.t('Live runs'));
  if (target) await reveal(deps, target);
}
