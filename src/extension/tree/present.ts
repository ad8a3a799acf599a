import type { Capabilities, ListTruncation } from '../../core/backend';
import type { BackendKind, ConnectionConfig, Run, RunStatus, Stage, StageStatus, Workflow } from '../../core/model';
import { RUN_STATUSES, durationBetween, isTerminalRun, isTerminalStage } from '../../core/model';
import type { Translate } from '../../shared/format';
import { formatCountdown, formatDuration, formatRelative, oneLine, shortId, tail } from '../../shared/format';
import type { Health } from '../../core/connections/health';
import type { MessageNode } from './nodes';
import { LIST_LIMITS } from '../../core/adapters/paging';

/** A codicon id and an optional theme colour id: the host turns them into a ThemeIcon. */
export interface IconRef {
  readonly id: string;
  readonly color?: string;
}

/** What a node's click does; the host maps each to a command id. */
export type NodeAction = 'setApiKey' | 'retry' | 'editUrl' | 'editConnection' | 'loadMore' | 'showOutput' | 'startSandbox';

/** Everything the host needs to render one tree item. */
export interface Presentation {
  readonly label: string;
  readonly description?: string;
  /** Markdown. */
  readonly tooltip?: string;
  readonly icon: IconRef;
  /**
   * Space-separated flags matched by `viewItem =~ /\bflag\b/` in package.json menus: the row's kind
   * first, then only flags some menu reads (a unit test checks both ways).
   */
  readonly contextValue: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  readonly action?: NodeAction;
}

export interface PresentContext {
  readonly now: number;
  readonly t: Translate;
}

export const KIND_LABELS: Readonly<Record<BackendKind, string>> = {
  whiterabbit: 'White Rabbit',
  powabase: 'Powabase',
  supervity: 'Supervity Auto',
};

/**
 * The service to say beside a connection's name, or nothing when the name already says it
 * ("Sandbox · White Rabbit" is not followed by "White Rabbit" again). The tree and the pickers
 * both use it, so a connection reads the same everywhere.
 */
export function serviceBesideName(name: string, kind: BackendKind): string | undefined {
  return name.includes(KIND_LABELS[kind]) ? undefined : KIND_LABELS[kind];
}

export function statusLabel(status: RunStatus | StageStatus, t: Translate): string {
  switch (status) {
    case 'queued':
      return t('queued');
    case 'running':
      return t('running');
    case 'waiting':
      return t('waiting');
    case 'finishing':
      return t('finishing');
    case 'completed':
      return t('completed');
    case 'completed_with_errors':
      return t('completed with errors');
    case 'failed':
      return t('failed');
    case 'cancelled':
      return t('cancelled');
    case 'skipped':
      return t('skipped');
    case 'unknown':
      return t('unknown');
  }
}

export function statusIcon(status: RunStatus | StageStatus): IconRef {
  switch (status) {
    case 'queued':
      return { id: 'clock' };
    case 'running':
      return { id: 'sync~spin', color: 'charts.blue' };
    case 'waiting':
      return { id: 'debug-pause', color: 'charts.yellow' };
    case 'finishing':
      // Left the running set, outcome not read yet: neither a pass nor a failure icon.
      return { id: 'loading~spin' };
    case 'completed':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'completed_with_errors':
      return { id: 'warning', color: 'list.warningForeground' };
    case 'failed':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'cancelled':
      return { id: 'circle-slash', color: 'disabledForeground' };
    case 'skipped':
      return { id: 'debug-step-over', color: 'disabledForeground' };
    case 'unknown':
      return { id: 'question' };
  }
}

export function healthLabel(health: Health, ctx: PresentContext): string {
  const { t } = ctx;
  switch (health.state) {
    case 'unknown':
      return t('not checked yet');
    case 'ok':
      return t('ok');
    case 'missingKey':
      return t('API key missing');
    case 'auth':
      return health.reason === 'forbidden' ? t('access denied') : t('authentication failed');
    case 'unreachable':
      return t('unreachable');
    case 'rateLimited':
      return t('rate limited, retrying in {0} s', Math.max(0, Math.ceil(((health.retryAt ?? ctx.now) - ctx.now) / 1_000)));
    case 'error':
      return t('error');
  }
}

function flags(...items: Array<string | false | undefined>): string {
  return items.filter((item): item is string => typeof item === 'string' && item.length > 0).join(' ');
}

export function presentConnection(
  config: ConnectionConfig & { readonly sandbox?: boolean },
  health: Health,
  capabilities: Capabilities | undefined,
  ctx: PresentContext,
): Presentation {
  const bad = health.state !== 'ok' && health.state !== 'unknown';
  const icon: IconRef = bad
    ? { id: health.state === 'rateLimited' ? 'watch' : 'error', color: health.state === 'rateLimited' ? 'list.warningForeground' : 'list.errorForeground' }
    : { id: config.sandbox ? 'beaker' : 'plug' };
  const service = serviceBesideName(config.name, config.kind);
  const lines = [
    service ? `**${escapeMarkdown(config.name)}** · ${service}` : `**${escapeMarkdown(config.name)}**`,
    config.sandbox ? ctx.t('Embedded sandbox') : escapeMarkdown(config.baseUrl),
    config.org ? ctx.t('Organization: {0}', escapeMarkdown(config.org)) : undefined,
    config.protected ? ctx.t('Protected: triggers and pushes ask for confirmation.') : undefined,
    ctx.t('Health: {0}', healthLabel(health, ctx)) + (health.message && bad ? ` — ${escapeMarkdown(health.message)}` : ''),
  ].filter((line): line is string => line !== undefined);
  return {
    label: config.name,
    description: [service, config.protected ? ctx.t('protected') : undefined, health.state === 'unknown' ? undefined : healthLabel(health, ctx)]
      .filter(Boolean)
      .join(' · '),
    tooltip: lines.join('\n\n'),
    icon,
    contextValue: flags('connection', capabilities?.componentExecute && 'canExecuteComponent'),
    collapsible: 'collapsed',
  };
}

export interface WorkflowView {
  readonly workflow: Workflow;
  /** The newest run known here, for "last run" when the API gives no summary. */
  readonly latestRun?: Run;
  readonly capabilities: Capabilities;
  readonly armedUntil?: number;
  readonly hasLastInputs: boolean;
}

export function presentWorkflow(view: WorkflowView, ctx: PresentContext): Presentation {
  const { workflow, latestRun, capabilities, t } = { ...view, t: ctx.t };
  const parts: string[] = [];
  if (workflow.state) parts.push(workflow.state === 'deployed' ? t('deployed') : workflow.state === 'internal' ? t('internal') : workflow.state);
  const armedLeft = view.armedUntil !== undefined ? view.armedUntil - ctx.now : undefined;
  if (armedLeft !== undefined && armedLeft > 0) parts.push(t('armed {0}', formatCountdown(armedLeft)));
  if (latestRun) parts.push(t('last run {0}', statusLabel(latestRun.status, t)));
  else if (workflow.lastRunAt) parts.push(t('last run {0}', formatRelative(workflow.lastRunAt, ctx.now, t) ?? workflow.lastRunAt));
  // A dashboard total of 0 next to a run we know of would contradict itself: the counts are stale.
  const counts = latestRun && !workflow.counts?.total ? undefined : countsText(workflow, t);
  if (counts) parts.push(counts);
  return {
    label: workflow.name || workflow.id,
    description: parts.join(' · '),
    tooltip: [
      `**${escapeMarkdown(workflow.name || workflow.id)}**`,
      workflow.description ? escapeMarkdown(workflow.description) : undefined,
      t('Id: {0}', escapeMarkdown(workflow.id)),
      workflow.version !== undefined ? t('Version: {0}', escapeMarkdown(workflow.version)) : undefined,
      workflow.variables?.length ? t('Inputs: {0}', workflow.variables.map((v) => escapeMarkdown(v.name)).join(', ')) : undefined,
    ]
      .filter((line): line is string => line !== undefined)
      .join('\n\n'),
    icon: { id: 'type-hierarchy' },
    contextValue: flags(
      'workflow',
      'canTrigger',
      view.hasLastInputs && 'canRerun',
      capabilities.cancel === 'workflow' && 'canCancelRuns',
      capabilities.deploy && workflow.state !== 'deployed' && 'canDeploy',
      capabilities.deploy && workflow.state === 'deployed' && 'canUndeploy',
      capabilities.arm && 'canArm',
      capabilities.manageWorkflows && 'canManage',
    ),
    collapsible: 'collapsed',
  };
}

function countsText(workflow: Workflow, t: Translate): string | undefined {
  const counts = workflow.counts;
  if (!counts) return undefined;
  const parts: string[] = [];
  for (const status of RUN_STATUSES) {
    const n = counts[status];
    if (n) parts.push(`${n} ${statusLabel(status, t)}`);
  }
  const total = counts.total ?? parts.length;
  // "1 run", never "1 runs" (as "1 credit").
  if (parts.length === 0) return counts.total === 1 ? t('1 run') : t('{0} runs', counts.total ?? 0);
  return total === 1 ? t('1 run: {0}', parts.join(', ')) : t('{0} runs: {1}', total, parts.join(', '));
}

export interface RunView {
  readonly run: Run;
  readonly capabilities: Capabilities;
  readonly live: boolean;
  /** The run lives on a stream this window holds (Powabase): closing it, or VS Code, stops the run. */
  readonly stopsWithStream?: boolean;
}

export function presentRun(view: RunView, ctx: PresentContext): Presentation {
  const { run, capabilities } = view;
  const { t } = ctx;
  const terminal = isTerminalRun(run.status);
  const started = formatRelative(run.createdAt, ctx.now, t);
  const duration = formatDuration(durationBetween(run.createdAt, run.endedAt ?? (terminal ? run.updatedAt : new Date(ctx.now).toISOString())));
  const description = [statusLabel(run.status, t), started, duration, view.live ? t('live') : undefined].filter(Boolean).join(' · ');
  const tooltip = [
    `**${t('Run {0}', escapeMarkdown(run.id))}**`,
    t('Status: {0} ({1})', statusLabel(run.status, t), escapeMarkdown(run.rawStatus || run.status)),
    run.createdAt ? t('Started: {0}', escapeMarkdown(run.createdAt)) : undefined,
    run.endedAt ? t('Ended: {0}', escapeMarkdown(run.endedAt)) : undefined,
    run.totalUsage !== undefined ? t('Credits used: {0}', escapeMarkdown(run.totalUsage)) : undefined,
    run.stageCounts?.pending !== undefined ? t('Stages pending: {0}', escapeMarkdown(run.stageCounts.pending)) : undefined,
    run.stageCounts?.failed !== undefined ? t('Stages failed: {0}', escapeMarkdown(run.stageCounts.failed)) : undefined,
    run.error ? t('Error: {0}', escapeMarkdown(oneLine(run.error, 400))) : undefined,
    run.notice && !terminal ? escapeMarkdown(oneLine(run.notice, 400)) : undefined,
    view.stopsWithStream && !terminal
      ? t('This run lives on the connection that started it here: Stop Run, or closing VS Code, stops it at its next step (recorded as completed with the outputs so far).')
      : undefined,
  ].filter((line): line is string => line !== undefined);
  return {
    label: t('Run {0}', shortId(run.id)),
    description,
    tooltip: tooltip.join('\n\n'),
    icon: statusIcon(run.status),
    contextValue: flags(
      'run',
      !terminal && capabilities.cancel !== 'none' && 'canCancel',
      view.live && 'live',
      view.stopsWithStream && !terminal && 'stoppable',
      capabilities.logs && 'canShowLogs',
      run.inputs !== undefined && 'hasInputs',
    ),
    collapsible: run.stages.length > 0 ? 'collapsed' : 'none',
  };
}

export function presentStage(stage: Stage, ctx: PresentContext): Presentation {
  const { t } = ctx;
  const label = stage.name && stage.name !== stage.id ? stage.name : stage.type ?? stage.id;
  const duration = formatDuration(stageDuration(stage, ctx.now));
  const detail = stage.error ? oneLine(stage.error, 60) : stage.text ? tail(stage.text) : undefined;
  const description = [
    stage.type && stage.type !== label ? stage.type : undefined,
    stage.attempt !== undefined && stage.attempt > 1 ? t('attempt {0}', stage.attempt) : undefined,
    duration,
    stage.creditUsage ? (stage.creditUsage === 1 ? t('1 credit') : t('{0} credits', stage.creditUsage)) : undefined,
    detail,
  ]
    .filter(Boolean)
    .join(' · ');
  const tooltip = [
    `**${escapeMarkdown(label)}**`,
    t('Status: {0} ({1})', statusLabel(stage.status, t), escapeMarkdown(stage.rawStatus || stage.status)),
    stage.type ? t('Type: {0}', escapeMarkdown(stage.type)) : undefined,
    stage.attempt !== undefined ? t('Attempt: {0}', escapeMarkdown(stage.attempt)) : undefined,
    duration ? t('Duration: {0}', escapeMarkdown(duration)) : undefined,
    stage.creditUsage !== undefined ? t('Credits used: {0}', escapeMarkdown(stage.creditUsage)) : undefined,
    stage.error ? t('Error: {0}', escapeMarkdown(oneLine(stage.error, 600))) : undefined,
    stage.text ? t('Latest text: {0}', escapeMarkdown(tail(stage.text, 400))) : undefined,
  ].filter((line): line is string => line !== undefined);
  const hasOutput = stage.output !== undefined || stage.input !== undefined || stage.error !== undefined;
  return {
    label,
    description,
    tooltip: tooltip.join('\n\n'),
    icon: statusIcon(stage.status),
    contextValue: flags('stage', hasOutput && 'hasOutput'),
    collapsible: 'none',
    action: hasOutput ? 'showOutput' : undefined,
  };
}

/** Statuses of a stage that never ran: it has no duration, whatever a service reports for it. */
const NEVER_RAN: ReadonlySet<StageStatus> = new Set(['queued', 'skipped', 'unknown']);

/**
 * How long a stage ran: none if it never started (a stage cancelled before its turn has no start
 * time; services may still report the run's time for it), up to now while it runs, so the row
 * ticks while visible.
 */
export function stageDuration(stage: Stage, now: number): number | undefined {
  if (NEVER_RAN.has(stage.status)) return undefined;
  if (stage.status === 'cancelled' && !stage.startedAt) return undefined;
  if (stage.durationMs !== undefined) return stage.durationMs;
  if (!stage.endedAt && !isTerminalStage(stage.status)) return durationBetween(stage.startedAt, new Date(now).toISOString());
  return durationBetween(stage.startedAt, stage.endedAt);
}

export function presentLoadMore(ctx: PresentContext): Presentation {
  return { label: ctx.t('Load more runs…'), icon: { id: 'ellipsis' }, contextValue: '', collapsible: 'none', action: 'loadMore' };
}

/** `truncated`: why the connection's workflow list was cut short, for the `truncated` message. */
export function presentMessage(node: MessageNode, health: Health, ctx: PresentContext, truncated?: ListTruncation): Presentation {
  const { t } = ctx;
  const detail = health.message ? oneLine(health.message, 200) : undefined;
  const error = (label: string, action: NodeAction, icon = 'error'): Presentation => ({
    label,
    description: detail,
    tooltip: detail ? escapeMarkdown(detail) : undefined,
    icon: { id: icon, color: icon === 'error' ? 'list.errorForeground' : 'list.warningForeground' },
    // The error's reason picks the row's fix actions in menus (`viewItem =~ /\breason-…\b/`).
    contextValue: `reason-${node.message}`,
    collapsible: 'none',
    action,
  });
  switch (node.message) {
    case 'missingKey':
      return error(t('API key missing — set it…'), 'setApiKey', 'key');
    case 'auth':
      return error(health.reason === 'forbidden' ? t('Access denied — update the API key…') : t('Authentication failed — update the API key…'), 'setApiKey');
    case 'unreachable':
      return error(t('Service unreachable — retry'), 'retry');
    case 'rateLimited':
      return error(healthLabel(health, ctx), 'retry', 'watch');
    case 'error':
      return error(t('The service answered with an error — retry'), 'retry');
    case 'internal':
      // Our bug, never worded as the service's or the network's: the log has the stack.
      return error(t('Flowscope hit an internal error — retry'), 'retry');
    case 'noWorkflows':
      return { label: t('No workflows — add workflow ids…'), icon: { id: 'info' }, contextValue: '', collapsible: 'none', action: 'editConnection' };
    case 'noRuns':
      return { label: t('No runs yet'), icon: { id: 'info' }, contextValue: '', collapsible: 'none' };
    case 'runsNotListed':
      return {
        label: t('No runs started here yet'),
        tooltip: t('This API cannot list runs: the runs started from Flowscope in this window appear here.'),
        icon: { id: 'info' },
        contextValue: '',
        collapsible: 'none',
      };
    case 'truncated':
      return presentTruncation(truncated, ctx);
    case 'loading':
      return { label: t('Loading…'), icon: { id: 'loading~spin' }, contextValue: '', collapsible: 'none' };
  }
}

/** The service's list was cut short: say how many are shown and why, so nobody takes it for the whole list. */
function presentTruncation(truncated: ListTruncation | undefined, ctx: PresentContext): Presentation {
  const { t } = ctx;
  const shown = truncated?.shown ?? 0;
  const why =
    truncated?.reason === 'repeatedPage'
      ? t('The service sent the same page again, so Flowscope stopped reading the list.')
      : truncated?.reason === 'implausibleTotal'
        ? t('The service announced a total that cannot be right, so Flowscope stopped reading the list.')
        : t('Flowscope reads at most {0} workflows ({1} pages) from a service.', LIST_LIMITS.maxItems, LIST_LIMITS.maxPages);
  return {
    label: t('Only the first {0} workflows are shown', shown),
    description: t('list cut short'),
    tooltip: escapeMarkdown(why),
    icon: { id: 'warning', color: 'list.warningForeground' },
    contextValue: '',
    collapsible: 'none',
  };
}

export { shortId } from '../../shared/format';

/**
 * Makes a value inert inside a Markdown tooltip: every ASCII punctuation character gets a
 * backslash (CommonMark lets any of them be escaped), so a server's text cannot become a link,
 * an image, an autolink (`https:` / `www.` / `<…>`), HTML, emphasis, a heading or a list.
 * Numbers go through it too: what a template interpolates is escaped, whatever its type.
 */
export function escapeMarkdown(value: string | number): string {
  return String(value).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
