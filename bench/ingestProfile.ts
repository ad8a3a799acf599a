/**
 * Profiling aid for the ingest group (not part of `npm run bench`): reads the bench server's
 * stream with one client, a few times, and prints throughput and client CPU time per trial. Run it
 * under `node --cpu-prof` to see where Flowscope's reader spends its time:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --expose-gc --import tsx bench/ingestProfile.ts flowscope 128 8
 *
 * Arguments: client (raw | flowscope), event size in bytes, MiB per stream,
 * repetitions (default 5).
 */
import { readFlowscope, readRaw } from './ingest';
import { collectGarbage, spawnNode, stopChild } from './util';

/** One read of the stream, by the same code as bench/ingest.ts's trials. */
function readOnce(client: string, base: string, path: string): Promise<number> {
  return client === 'raw' ? readRaw(`${base}${path}`) : readFlowscope(base, path);
}

async function main(): Promise<void> {
  const [client = 'flowscope', sizeArg = '128', mibArg = '16', repsArg = '5'] = process.argv.slice(2);
  const size = Number(sizeArg);
  const count = Math.floor((Number(mibArg) * 1024 * 1024) / size);
  const { child, firstLine } = await spawnNode('bench/sseServer.ts', []);
  const base = (JSON.parse(firstLine) as { url: string }).url;
  try {
    await readOnce(client, base, `/ingest?size=${size}&count=${Math.min(count, 5_000)}`);
    for (let r = 0; r < Number(repsArg); r++) {
      collectGarbage();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await readOnce(client, base, `/ingest?size=${size}&count=${count}`);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const mb = (size * count) / 1e6;
      process.stdout.write(`${client} ${size} B: ${(mb / (ms / 1000)).toFixed(0)} MB/s wall, ${(mb / ((cpu.user + cpu.system) / 1e6)).toFixed(0)} MB per CPU-s (user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms, wall ${ms.toFixed(0)} ms)\n`);
    }
  } finally {
    await stopChild(child);
  }
}

void main();
