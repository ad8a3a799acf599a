/**
 * `start` runs at most once at a time and, once it succeeded, never again: every caller waits
 * for that one run and gets its result. A failed run is forgotten, so the next caller starts it
 * again: a load that failed once (a transient error, a bug worked around by a setting) must not
 * stay failed for every later caller until a reload.
 */
export function onceUntilSuccess<T>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () =>
    (started ??= start().catch((error: unknown) => {
      started = undefined;
      throw error;
    }));
}
