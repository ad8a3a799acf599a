import { ELK_MAX_NODES, elkLayout } from './elkLayout';
import { quickLayout } from './quickLayout';
import type { LayoutRequest, LayoutResponse } from './types';

/**
 * The layout worker: keeps ELK (seconds on big graphs) off the UI thread. For every request it
 * answers twice: a quick provisional layout at once, then ELK's. A newer request makes an older
 * one's ELK answer obsolete; ELK cannot be interrupted, so the webview just drops stale answers.
 */
interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse): void;
}
const scope = self as unknown as WorkerScope;

let latest = 0;

scope.onmessage = (event) => {
  const request = event.data;
  latest = request.requestId;
  const final = request.nodes.length > ELK_MAX_NODES;
  if (!request.skipQuick || final) {
    const t0 = performance.now();
    const quick = quickLayout(request);
    scope.postMessage({ requestId: request.requestId, phase: final ? 'final' : 'quick', layout: quick, ms: performance.now() - t0 });
  }
  if (final) return;
  // Let a burst of requests (preview typing) coalesce: only the newest one runs ELK.
  setTimeout(() => {
    if (request.requestId !== latest) return;
    const t1 = performance.now();
    elkLayout(request).then(
      (layout) => scope.postMessage({ requestId: request.requestId, phase: 'final', layout, ms: performance.now() - t1 }),
      (error: unknown) => scope.postMessage({ requestId: request.requestId, phase: 'final', ms: performance.now() - t1, error: String(error) }),
    );
  }, 0);
};
