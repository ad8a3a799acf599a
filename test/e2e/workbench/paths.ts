/**
 * Where the end-to-end tests live and write, and the small utilities the harness modules share.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder upwards holding the flowscope package.json. */
export const REPO_ROOT: string = findRepoRoot();

/** Where screenshots and failure artifacts go. */
export const RESULTS_DIR: string = join(REPO_ROOT, 'test-results', 'e2e');

export function normalize(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

export const TIMED_OUT = Symbol('timed out');

/** `promise`'s value, or TIMED_OUT after `ms`; the timer is cleared either way so it never holds the process open. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((res) => {
    timer = setTimeout(() => res(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function findRepoRoot(): string {
  // __dirname exists when tsx runs this file as CommonJS (the package has no "type": "module");
  // fall back to the working directory otherwise.
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'flowscope') return dir;
      } catch {
        // unreadable package.json: keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
