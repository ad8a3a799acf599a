// Process-level guard for the reliability tests: any promise rejection nobody handled, or any
// exception nobody caught, while a test file runs is recorded and fails the file at the end.
import assert from 'node:assert/strict';
import { after } from 'node:test';

export interface ProcessGuard {
  /** What escaped so far (descriptions, for the assertion message). */
  readonly escaped: readonly string[];
  /** Fails when anything escaped; call it at the end of a test to pin the blame on that test. */
  check(what: string): void;
}

/**
 * Installs `unhandledRejection` and `uncaughtExceptionMonitor` listeners for the whole file and
 * an `after` hook that asserts nothing escaped. The listeners only record: the runner's own
 * handling still applies, so a real crash still shows as one.
 */
export function installProcessGuard(): ProcessGuard {
  const escaped: string[] = [];
  const describe = (reason: unknown): string => (reason instanceof Error ? `${reason.name}: ${reason.message}\n${reason.stack ?? ''}` : String(reason));
  const onRejection = (reason: unknown): void => {
    escaped.push(`unhandledRejection: ${describe(reason)}`);
  };
  const onException = (error: unknown): void => {
    escaped.push(`uncaughtException: ${describe(error)}`);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);
  after(async () => {
    // Rejections are reported after a macrotask turn: give late ones the chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtExceptionMonitor', onException);
    assert.deepEqual(escaped, [], 'no promise rejection went unhandled and no exception went uncaught');
  });
  return {
    escaped,
    check(what: string): void {
      assert.deepEqual(escaped, [], `${what}: nothing escaped to the process`);
    },
  };
}
