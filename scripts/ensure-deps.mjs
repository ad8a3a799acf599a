// Runs `npm ci` when node_modules is missing or was installed from another package-lock.json,
// so `npm start` and `npm test` work straight after a clone. A no-op otherwise.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const lock = readFileSync(join(root, 'package-lock.json'));
const hash = createHash('sha256').update(lock).digest('hex');
const stamp = join(root, 'node_modules', '.flowscope-lock-hash');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) process.exit(0);
console.error('flowscope: installing dependencies (npm ci)…');
execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
writeFileSync(stamp, hash);
