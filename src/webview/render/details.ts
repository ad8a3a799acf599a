import type { NodeDetails } from '../../shared/protocol';
import { formatDuration } from '../../shared/format';
import { STATUS_GLYPH } from './nodeText';

export interface DetailsActions {
  reveal(nodeId: string): void;
  copyOutput(nodeId: string): void;
  close(): void;
}

/**
 * The side pane of the selected node. All server data goes in through `textContent` (JSON is
 * formatted by the host and shown in <pre> as text), so nothing in an input, output, error or
 * log can become markup.
 */
export class DetailsPane {
  constructor(
    private readonly root: HTMLElement,
    private readonly actions: DetailsActions,
  ) {}

  showLoading(label: string): void {
    this.root.hidden = false;
    this.root.replaceChildren(heading(label), para('Loading…', 'muted'));
  }

  hide(): void {
    this.root.hidden = true;
    this.root.replaceChildren();
  }

  show(d: NodeDetails): void {
    this.root.hidden = false;
    const close = button('✕', 'Close details (Escape)', () => this.actions.close());
    close.classList.add('close');
    const head = heading(d.label);
    const kind = para(d.kind, 'muted');
    const status = para(`${STATUS_GLYPH[d.status]} ${d.status}${d.rawStatus && d.rawStatus !== d.status ? ` (${d.rawStatus})` : ''}`, `status-text status-${d.status}`);

    const facts = document.createElement('dl');
    const fact = (k: string, v: string | undefined): void => {
      if (!v) return;
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      facts.append(dt, dd);
    };
    fact('Id', d.id);
    fact('Attempt', d.attempt === undefined ? undefined : String(d.attempt));
    fact('Started', d.startedAt);
    fact('Ended', d.endedAt);
    fact('Duration', formatDuration(d.durationMs));

    const bar = document.createElement('div');
    bar.className = 'actions';
    if (d.canReveal) bar.append(button('Reveal in graph file', 'Open the graph file at this block', () => this.actions.reveal(d.id)));
    if (d.canCopyOutput) bar.append(button('Copy output', 'Copy the output as JSON', () => this.actions.copyOutput(d.id)));

    const parts: Node[] = [close, head, kind, status, facts, bar];
    if (d.problems?.length) parts.push(section('Problems', d.problems.join('\n'), 'error'));
    if (d.error) parts.push(section('Error', d.error, 'error'));
    if (d.text) parts.push(section('Streamed text', d.text));
    if (d.input !== undefined) parts.push(section('Input', d.input));
    if (d.output !== undefined) parts.push(section('Output', d.output));
    if (d.logs) parts.push(section('Logs', d.logs));
    if (!d.error && d.input === undefined && d.output === undefined && !d.logs && !d.problems?.length && d.status === 'idle') {
      parts.push(para('No run data for this block.', 'muted'));
    }
    this.root.replaceChildren(...parts);
  }
}

function heading(text: string): HTMLElement {
  const h = document.createElement('h2');
  h.textContent = text;
  return h;
}

function para(text: string, className: string): HTMLElement {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}

function section(title: string, body: string, className = ''): HTMLElement {
  const details = document.createElement('details');
  details.open = true;
  details.className = className;
  const summary = document.createElement('summary');
  summary.textContent = title;
  const pre = document.createElement('pre');
  pre.textContent = body;
  details.append(summary, pre);
  return details;
}

function button(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}
