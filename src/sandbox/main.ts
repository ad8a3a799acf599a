import { parseArgs } from 'node:util';
import { startSandbox } from './server';

/**
 * `node dist/sandbox.js [--port N] [--state DIR] [--heartbeat-ms N] [--time-scale X] [--execute-limit N]
 * [--powabase-save-delay-ms N]`.
 * Prints exactly one JSON line (the connection info) on stdout; logs go to stderr.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string' },
      state: { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'time-scale': { type: 'string' },
      'execute-limit': { type: 'string' },
      'powabase-save-delay-ms': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const num = (name: string, raw: string | undefined, min: number): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}`);
    return n;
  };
  const port = num('port', values.port, 0) ?? 0;
  if (!Number.isInteger(port) || port > 65535) throw new Error('--port must be an integer from 0 to 65535');
  const sandbox = await startSandbox({
    port,
    host: values.host,
    stateDir: values.state,
    heartbeatMs: num('heartbeat-ms', values['heartbeat-ms'], 1),
    timeScale: num('time-scale', values['time-scale'], 0),
    executeLimitPerMinute: num('execute-limit', values['execute-limit'], 1),
    powabaseSaveDelayMs: num('powabase-save-delay-ms', values['powabase-save-delay-ms'], 0),
    log: values.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
