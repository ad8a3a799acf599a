#!/usr/bin/env node
// `npm test`: every check the project has, in order, stopping at the first that fails, then a
// table of how long each part took (CI's `.ci/run` calls this after installing what it needs).
//
//   package (.vsix) → build → typecheck → lint → unit tests → e2e on code-server 4.100.3
//   → e2e on the newest code-server (a reduced journey; see the README)
//
// Each part is an npm script, so it can also be run alone (`npm run test:unit`, …); the test
// parts carry their own deadlines (scripts/run-timed.mjs).
import { spawnSync } from 'node:child_process';

const PARTS = [
  ['package (.vsix)', 'package'],
  ['build', 'build'],
  ['typecheck', 'typecheck'],
  ['lint', 'lint'],
  ['unit tests', 'test:unit'],
  ['e2e on code-server 4.100.3', 'test:e2e:run'],
  ['e2e on the newest code-server', 'test:e2e:latest:run'],
];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const rows = [];
const begun = Date.now();
let failed = 0;
for (const [label, script] of PARTS) {
  console.log(`\n=== ${label} (npm run ${script}) ===`);
  const started = Date.now();
  const { status, signal } = spawnSync(npm, ['run', script], { stdio: 'inherit' });
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = status === 0;
  rows.push(`${label.padEnd(40)} ${String(seconds).padStart(5)}s  ${ok ? 'ok' : `FAILED (${signal ?? `exit ${status}`})`}`);
  if (!ok) {
    failed = status || 1;
    break;
  }
}
console.log(`\n=== npm test timings (total ${Math.round((Date.now() - begun) / 1000)}s) ===`);
for (const row of rows) console.log(row);
process.exit(failed);
