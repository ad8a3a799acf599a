import type { Disposable } from './disposable';

export type Listener<T> = (event: T) => void;

/**
 * A minimal typed event emitter, shaped like VS Code's so the host can adapt it directly, but
 * free of `vscode` so the core runs in plain Node. A throwing listener never stops the others.
 */
export class Emitter<T> implements Disposable {
  private listeners = new Set<Listener<T>>();
  private disposed = false;

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  readonly event = (listener: Listener<T>): Disposable => {
    if (this.disposed) return { dispose() {} };
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
