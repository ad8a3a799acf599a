/**
 * What each module costs to load: the two bundles the extension host loads (dist/extension.js
 * at activation, dist/workbench.js on first use), each top-level import of their entries
 * (src/extension/extension.ts, src/extension/workbench.ts, and the latter's dynamic imports:
 * authoring and the panels) and each npm package they bundle, built alone the way esbuild.mjs
 * builds them (CommonJS, node20, undici in its own file, not minified as in dist/), then
 * `require`d in fresh Node processes. Each figure includes what that module imports, so
 * figures overlap (zod is inside every row whose module uses it) and do not add up.
 *
 * VS Code is not running here: a stand-in answers every `vscode` access with an inert object,
 * only so the bundles can be evaluated. That is why these figures are a breakdown, not the
 * activation time: bench/startup.ts reads that from a real VS Code.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import * as esbuild from 'esbuild';
import type { Row } from './util';
import { figure, fmt, REPO_ROOT } from './util';

/** The stand-in for `vscode` and the timer: prints wall ms and CPU ms of requiring argv[2]. */
const STAND_IN = `
const Module = require('node:module');
const fs = require('node:fs');
const types = fs.readFileSync(process.argv[3], 'utf8');
const names = [...new Set([...types.matchAll(/export (?:class|namespace|enum|function|const|let) (\\w+)/g)].map((m) => m[1]))];
const inert = () => new Proxy(function () {}, { get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 0 : inert()), apply: () => inert(), construct: () => inert() });
const api = new Proxy({}, { ownKeys: () => names, getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, value: inert() }), get: () => inert() });
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? api : load.call(this, request, ...rest); };
const cpu = process.cpuUsage();
const t0 = process.hrtime.bigint();
require(process.argv[2]);
const wall = Number(process.hrtime.bigint() - t0) / 1e6;
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ wall, cpu: (used.user + used.system) / 1000 }));
`;

interface Target {
  readonly label: string;
  /** Source text bundled through esbuild's stdin, resolved from the repository root. */
  readonly source?: string;
  /** An already built file, required as it is. */
  readonly file?: string;
}

/**
 * The value imports of one of the extension's entries (type-only imports cost nothing at run
 * time), and with `dynamic` also its `import('…')`s: the modules it evaluates only when used.
 */
function importsOf(entry: string, dynamic = false): string[] {
  const text = readFileSync(join(REPO_ROOT, 'src', 'extension', entry), 'utf8');
  const statics = [...text.matchAll(/^import (?!type )[^;]*? from '(\.[^']+)';$/gm)].map((m) => m[1] as string);
  const dynamics = dynamic ? [...text.matchAll(/await import\('(\.[^']+)'\)/g)].map((m) => m[1] as string) : [];
  return [...statics, ...dynamics];
}

function targets(): Target[] {
  const packages: Target[] = [
    { label: "npm zod, as the code imports it (import * as z from 'zod')", source: "import * as z from 'zod'; globalThis.x = [z.object, z.string, z.array, z.enum, z.union];" },
    { label: "npm zod, former import (import { z } from 'zod': every locale kept)", source: "import { z } from 'zod'; globalThis.x = z.object;" },
    { label: 'npm undici (now dist/undici.js, loaded with the first request)', source: "import { Agent } from 'undici'; globalThis.x = Agent;" },
    { label: 'npm jsonc-parser (its ES module build, as src/core/graph/jsonc.ts imports it)', source: "import { parseTree } from 'jsonc-parser/lib/esm/main.js'; globalThis.x = parseTree;" },
    { label: 'npm eventsource-parser', source: "import { createParser } from 'eventsource-parser'; globalThis.x = createParser;" },
  ];
  const own = (when: string, specs: readonly string[]): Target[] =>
    specs.map((spec) => {
      const path = posix.join('src/extension', spec);
      return { label: `${when}: ${path}`, source: `export * from './${path}';` };
    });
  return [
    { label: 'dist/extension.js, the activation bundle as built', file: join(REPO_ROOT, 'dist', 'extension.js') },
    { label: 'dist/workbench.js, the features bundle as built (first use; authoring and panels evaluated later)', file: join(REPO_ROOT, 'dist', 'workbench.js') },
    ...packages,
    ...own('activation', importsOf('extension.ts')),
    ...own('first use', importsOf('workbench.ts', true)),
  ];
}

async function bundle(target: Target, out: string): Promise<string> {
  if (target.file) return target.file;
  await esbuild.build({
    stdin: { contents: target.source ?? '', resolveDir: REPO_ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    define: { navigator: 'undefined' },
    // As in esbuild.mjs: the extension bundle refers to undici as a separate file.
    plugins: target.label.startsWith('npm undici') ? [] : [{ name: 'undici-apart', setup: (b) => b.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true })) }],
    outfile: out,
    logLevel: 'error',
  });
  return out;
}

export async function moduleCosts(scratch: string, reps: number): Promise<{ rows: Row[]; raw: Record<string, unknown>; note: string }> {
  const standIn = join(scratch, 'stand-in.cjs');
  writeFileSync(standIn, STAND_IN);
  const types = join(REPO_ROOT, 'node_modules', '@types', 'vscode', 'index.d.ts');
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const list = targets();
  for (const [i, target] of list.entries()) {
    const file = await bundle(target, join(scratch, `module-${i}.js`));
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < reps; r++) {
      const out = JSON.parse(execFileSync(process.execPath, [standIn, file, types], { cwd: scratch }).toString()) as { wall: number; cpu: number };
      walls.push(out.wall);
      cpus.push(out.cpu);
    }
    const kib = statSync(file).size / 1024;
    const cpu = figure(cpus, 'ms');
    raw[target.label] = { walls, cpus, kib };
    rows.push({ group: 'Start-up: module cost', measure: `${target.label}: require() in Node`, figure: figure(walls, 'ms'), compared: `${fmt(kib)} KiB bundled; CPU ${fmt(cpu.median)} ms` });
  }
  const note = `Start-up, module cost: each module bundled alone as esbuild.mjs bundles the extension (with what it imports, so rows overlap), then required in ${reps} fresh Node processes with an inert stand-in for \`vscode\` (bench/moduleCost.ts); wall time of the require() and the process's CPU time over it. A breakdown, not the activation time (VS Code's own figure is the Activation row).`;
  return { rows, raw, note };
}
