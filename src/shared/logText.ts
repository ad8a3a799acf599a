/**
 * Run logs as text a person reads: one line per stage log with its local time, level, stage and
 * message, the way a terminal log looks, instead of the service's JSON. Used by Show Run Logs
 * (a read-only editor tab) and by the graph panel's details pane, so both read the same.
 *
 * Structural input types (not core's): src/shared is also compiled into the webview.
 */

/** A service's log entry for one stage (core's StageLog has this shape). */
export interface LogEntryInput {
  readonly stageId: string;
  readonly stageName?: string;
  readonly status: string;
  readonly durationMs?: number;
  readonly output?: unknown;
  readonly error?: string;
}

/** What the run itself knows of a stage: its name and times (service logs carry no time). */
export interface StageTimesInput {
  readonly id: string;
  readonly name?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
}

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

export interface LogLine {
  /** ISO time; absent when neither the log nor the run tells when it happened. */
  readonly time?: string;
  readonly stage: string;
  readonly level: LogLevel;
  readonly message: string;
  /** Further lines (an output excerpt), shown indented under the message. */
  readonly detail?: string;
}

export interface LogTextOptions {
  /** IANA zone for the times; the machine's own zone when absent (tests pin one). */
  readonly timeZone?: string;
}

/** Output excerpts stop here: a log line is not the place for a whole payload (Copy Output is). */
const DETAIL_MAX = 240;
/** Stage names wider than this are cut so the messages stay in one column. */
const STAGE_MAX = 28;
const ERROR_STATUSES = new Set(['error', 'failed', 'failure', 'timeout', 'timed_out']);
const WARN_STATUSES = new Set(['cancelled', 'canceled', 'skipped', 'aborted', 'warning']);

/** Log lines from a service's stage logs, timed by the run's stages where it knows them. */
export function logLinesOf(entries: readonly LogEntryInput[], stages: readonly StageTimesInput[] = []): LogLine[] {
  const byId = new Map(stages.map((s) => [s.id, s]));
  return entries.map((entry) => {
    const stage = byId.get(entry.stageId);
    const time = stage?.startedAt ?? stage?.endedAt;
    const level = levelOf(entry.status, entry.error);
    const took = entry.durationMs === undefined ? '' : ` in ${formatMs(entry.durationMs)}`;
    const detail = entry.output === undefined || entry.error ? undefined : excerpt(entry.output);
    return {
      ...(time ? { time } : {}),
      stage: entry.stageName || stage?.name || entry.stageId,
      level,
      message: `${entry.status}${took}${entry.error ? `: ${entry.error}` : ''}`,
      ...(detail ? { detail: `output: ${detail}` } : {}),
    };
  });
}

/**
 * The lines as text: `HH:MM:SS  Stage  LEVEL  message`, columns aligned, times in the chosen
 * zone. `heading` lines come first (what run, when), then a blank line.
 */
export function formatLogText(heading: readonly string[], lines: readonly LogLine[], options: LogTextOptions = {}): string {
  const clock = clockOf(options.timeZone);
  const width = Math.min(STAGE_MAX, Math.max(0, ...lines.map((l) => l.stage.length)));
  const body = lines.map((l) => {
    const time = l.time && Number.isFinite(Date.parse(l.time)) ? clock(l.time).time : '--:--:--';
    const stage = l.stage.length > width ? `${l.stage.slice(0, width - 1)}…` : l.stage.padEnd(width);
    const lead = `${time}  ${stage}  ${l.level.padEnd(5)}  `;
    const message = l.message.replace(/\r?\n/g, `\n${' '.repeat(lead.length)}`);
    return `${lead}${message}${l.detail ? `\n${' '.repeat(lead.length)}${l.detail}` : ''}`;
  });
  const text = [...heading, ...(heading.length ? [''] : []), ...(body.length ? body : ['No log entries.'])];
  return `${text.join('\n')}\n`;
}

/** "Started 2026-12-01 14:03:12 (UTC+01:00)": a heading line telling the date and the zone once. */
export function startedLine(iso: string | undefined, options: LogTextOptions = {}): string | undefined {
  if (!iso || !Number.isFinite(Date.parse(iso))) return undefined;
  const t = clockOf(options.timeZone)(iso);
  return `Started ${t.date} ${t.time} (${t.zone})`;
}

function levelOf(status: string, error: string | undefined): LogLevel {
  const s = status.toLowerCase();
  if (error || ERROR_STATUSES.has(s)) return 'ERROR';
  return WARN_STATUSES.has(s) ? 'WARN' : 'INFO';
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function excerpt(value: unknown): string | undefined {
  let text: string | undefined;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined || text === '' || text === 'null' || text === '{}') return undefined;
  const oneLine = text.replace(/\s*\r?\n\s*/g, ' ');
  return oneLine.length > DETAIL_MAX ? `${oneLine.slice(0, DETAIL_MAX - 1)}…` : oneLine;
}

/** Date, time and zone name of an instant in a zone, independent of the machine's locale. */
function clockOf(timeZone: string | undefined): (iso: string) => { date: string; time: string; zone: string } {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  return (iso) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    const zone = (parts.timeZoneName ?? '').replace(/^GMT(\+00:00)?$/, 'UTC').replace(/^GMT/, 'UTC');
    return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}`, zone };
  };
}
