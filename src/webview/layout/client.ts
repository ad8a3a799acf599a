import workerSource from 'layout-worker-source';
import { quickLayout } from './quickLayout';
import type { Layout, LayoutInput, LayoutRequest, LayoutResponse } from './types';
import { ELK_MAX_NODES } from './types';

export type LayoutListener = (layout: Layout, phase: 'quick' | 'final', ms: number) => void;

/**
 * Runs layouts in a Web Worker. The worker's code is bundled into webview.js as a string and
 * started from a `blob:` URL: a webview's resources are served from another origin than the
 * webview document, and browsers refuse cross-origin worker scripts, while `blob:` URLs created
 * by our own (nonce-checked) script are same-origin. The CSP allows exactly that with
 * `worker-src blob:`. Where a worker cannot start, the quick layout runs on the UI thread (it is
 * linear-time) and ELK is skipped rather than freezing the panel.
 */
export class LayoutClient {
  private worker: Worker | undefined;
  private nextId = 0;
  private current = 0;
  private listener: LayoutListener | undefined;

  constructor(private readonly onProblem: (message: string) => void) {
    try {
      const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
      this.worker = new Worker(url, { name: 'flowscope-layout' });
      this.worker.onmessage = (event: MessageEvent<LayoutResponse>) => this.receive(event.data);
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.onProblem(`layout worker failed: ${event.message}`);
        this.worker?.terminate();
        this.worker = undefined;
      };
    } catch (error) {
      this.onProblem(`layout worker unavailable: ${String(error)}`);
      this.worker = undefined;
    }
  }

  /**
   * Lays out `input`; the listener hears the quick layout and later the final one. Older requests
   * are forgotten. The quick layout always runs here: it is linear (about 50 ms at 10,000 nodes,
   * bench/graph.ts), less than the worker takes to boot with ELK's bundle, so the first paint never
   * waits for the worker. The worker runs only ELK, and only up to ELK_MAX_NODES.
   */
  layout(input: LayoutInput, listener: LayoutListener): void {
    this.current = ++this.nextId;
    this.listener = listener;
    const final = !this.worker || input.nodes.length > ELK_MAX_NODES;
    const t0 = performance.now();
    const layout = quickLayout(input);
    listener(layout, final ? 'final' : 'quick', performance.now() - t0);
    if (final || !this.worker) return;
    const request: LayoutRequest = { ...input, requestId: this.current, skipQuick: true };
    this.worker.postMessage(request);
  }

  private receive(response: LayoutResponse): void {
    if (response.requestId !== this.current || !this.listener) return;
    if (response.error) this.onProblem(`layout failed, keeping the provisional one: ${response.error}`);
    if (response.layout) this.listener(response.layout, response.phase, response.ms);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }
}
