import type { ServerResponse } from 'node:http';
import type { Engine } from './engine';
import type { FaultRegistry } from './faults';
import type { Ctx } from './http';
import type { Credentials, WhiteRabbitKeyring } from './keys';
import type { SseStream } from './sse';
import type { Store } from './store';
import type { ComponentRunner } from './components';
import type { WorkflowRecord } from './types';

export interface ResolvedOptions {
  timeScale: number;
  executeLimitPerMinute: number;
  /** White Rabbit stream heartbeat (15 s as documented). */
  wrHeartbeatMs: number;
  /** Supervity `ping` event interval (9 s as documented). */
  supervityHeartbeatMs: number;
  /** How long after `done` Powabase saves a streamed run's final status and logs. */
  powabaseSaveDelayMs: number;
}

/** Everything the faces share. */
export interface App {
  store: Store;
  engine: Engine;
  components: ComponentRunner;
  creds: Credentials;
  keyring: WhiteRabbitKeyring;
  faults: FaultRegistry;
  streams: Set<SseStream>;
  options: ResolvedOptions;
  /** Aborts on close(): long waits (sync execute, waitForMs, delays) end with it. */
  signal: AbortSignal;
  log: (line: string) => void;
  saveWorkflow(wf: WorkflowRecord): void;
  saveCredentials(): Promise<void>;
  sampleIds: string[];
}

/** One API face: owns a path space and answers errors in its own shape. */
export interface Face {
  name: string;
  owns(path: string): boolean;
  handle(ctx: Ctx): Promise<void>;
  error(res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void;
}
