/** The part of a VS Code CancellationToken this module reads (kept structural: no `vscode` import). */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/**
 * Runs a task with the AbortSignal the core speaks, fed by a VS Code cancellation token. The
 * token's subscription is disposed on every path: when it fires, and when the task settles
 * (resolved or rejected) without it having fired, so it never outlives the task.
 */
export async function withAbortSignal<T>(token: CancellationLike, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort();
    return task(controller.signal);
  }
  const subscription = token.onCancellationRequested(() => {
    subscription.dispose();
    controller.abort();
  });
  try {
    return await task(controller.signal);
  } finally {
    subscription.dispose();
  }
}
