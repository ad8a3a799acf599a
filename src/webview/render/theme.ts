import type { NodeStatus } from '../../shared/protocol';
import { NODE_STATUSES } from '../../shared/protocol';

/**
 * The colours the canvas paints with, read from the theme. The mapping from VS Code's
 * `--vscode-*` variables (with their fallbacks) stays in webview.css, on hidden probe elements
 * (`.palette .swatch-*`): the browser resolves `var(a, var(b))` and we read back the computed
 * colour. VS Code changes those variables in place when the user switches theme (light, dark,
 * high contrast), so `watchTheme` re-reads them then.
 */
export interface Palette {
  readonly background: string;
  readonly nodeFill: string;
  readonly nodeBorder: string;
  readonly text: string;
  readonly muted: string;
  readonly focus: string;
  readonly edge: string;
  readonly edgeTaken: string;
  readonly error: string;
  readonly warning: string;
  /** The status colour: the node's left bar and glyph, and its whole fill when zoomed far out. */
  readonly status: Readonly<Record<NodeStatus, string>>;
  /** True in high-contrast themes: borders are drawn heavier. */
  readonly highContrast: boolean;
  readonly fontFamily: string;
}

const BASE = ['background', 'nodeFill', 'nodeBorder', 'text', 'muted', 'focus', 'edge', 'edgeTaken', 'error', 'warning'] as const;

export class ThemeReader {
  private readonly probe: HTMLDivElement;
  private readonly swatches = new Map<string, HTMLSpanElement>();
  private current: Palette | undefined;

  constructor(host: HTMLElement) {
    this.probe = document.createElement('div');
    this.probe.className = 'palette';
    this.probe.setAttribute('aria-hidden', 'true');
    for (const name of [...BASE, ...NODE_STATUSES.map((s) => `status-${s}`)]) {
      const swatch = document.createElement('span');
      swatch.className = `swatch-${name}`;
      this.swatches.set(name, swatch);
      this.probe.append(swatch);
    }
    host.append(this.probe);
  }

  get palette(): Palette {
    return (this.current ??= this.read());
  }

  /** Calls `onChange` after VS Code switched theme (its variables live on <html>, its kind on <body>). */
  watch(onChange: () => void): void {
    const observer = new MutationObserver(() => {
      this.current = undefined;
      onChange();
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  private read(): Palette {
    const colour = (name: string): string => (this.swatches.get(name) ? getComputedStyle(this.swatches.get(name) as Element).color : '') || '#888';
    const base = Object.fromEntries(BASE.map((k) => [k, colour(k)])) as Record<(typeof BASE)[number], string>;
    const status = Object.fromEntries(NODE_STATUSES.map((s) => [s, colour(`status-${s}`)])) as Record<NodeStatus, string>;
    const body = document.body;
    return {
      ...base,
      status,
      highContrast: body.classList.contains('vscode-high-contrast') || body.classList.contains('vscode-high-contrast-light'),
      fontFamily: getComputedStyle(body).fontFamily || 'sans-serif',
    };
  }
}
