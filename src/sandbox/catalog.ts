import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { isRecord } from './util';

/** The subset of JSON Schema the catalog uses (and the validator below understands). */
export interface JsonSchema {
  type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  description?: string;
  default?: unknown;
}

export interface ModuleSpec {
  name: string;
  module: string;
  type: 'action' | 'logic' | 'trigger';
  input: JsonSchema;
  config: JsonSchema;
  outputs: { name: string; schema: JsonSchema }[];
  durationMs: number;
  credits: number;
  /** Simulates the module; throws to fail the attempt. Never performs I/O. */
  run(input: Record<string, unknown>, config: Record<string, unknown>): unknown;
}

const address: JsonSchema = { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$', description: 'EVM address' };

/** A handful of White Rabbit's modules, simulated. Module names are the real ones. */
export const MODULES: ModuleSpec[] = [
  {
    name: 'Random UUID',
    module: 'RANDOM_UUID',
    type: 'action',
    input: { type: 'object', properties: {} },
    config: { type: 'object', properties: {} },
    outputs: [{ name: 'uuid', schema: { type: 'string' } }],
    durationMs: 150,
    credits: 1,
    run: () => ({ uuid: randomUUID() }),
  },
  {
    name: 'String constant',
    module: 'STRING_CONSTANT',
    type: 'logic',
    input: { type: 'object', properties: {} },
    config: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] },
    outputs: [{ name: 'value', schema: { type: 'string' } }],
    durationMs: 50,
    credits: 0,
    run: (_i, c) => ({ value: c.value }),
  },
  {
    name: 'API call',
    module: 'API_CALL',
    type: 'action',
    input: { type: 'object', properties: { body: { type: 'object' }, query: { type: 'object' } } },
    config: {
      type: 'object',
      properties: {
        url: { type: 'string', pattern: '^https?://' },
        method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], default: 'GET' },
        simulateStatus: { type: 'integer', minimum: 100, maximum: 599, description: 'Sandbox only: the HTTP status the simulated call returns' },
      },
      required: ['url'],
    },
    outputs: [
      { name: 'status', schema: { type: 'integer' } },
      { name: 'body', schema: { type: 'object' } },
    ],
    durationMs: 400,
    credits: 2,
    // Simulated: the sandbox never calls out. The "response" echoes the request.
    run: (i, c) => {
      const status = typeof c.simulateStatus === 'number' ? c.simulateStatus : 200;
      if (status >= 400) throw new Error(`HTTP ${status} from ${String(c.url)}`);
      return { status, body: { url: c.url, method: c.method ?? 'GET', echo: i.body ?? null } };
    },
  },
  {
    name: 'Get EVM account balance',
    module: 'GET_EVM_ACCOUNT_BALANCE',
    type: 'action',
    input: { type: 'object', properties: { address }, required: ['address'] },
    config: { type: 'object', properties: { chainId: { type: 'integer', minimum: 1, default: 1 } } },
    outputs: [{ name: 'balance', schema: { type: 'string' } }],
    durationMs: 300,
    credits: 3,
    run: (i) => ({ balance: String(BigInt('0x' + createHash('sha256').update(String(i.address)).digest('hex').slice(0, 10))) }),
  },
  {
    name: 'Compute EVM address',
    module: 'COMPUTE_EVM_ADDRESS',
    type: 'action',
    input: { type: 'object', properties: { publicKey: { type: 'string', pattern: '^(0x)?[0-9a-fA-F]{66,130}$' } }, required: ['publicKey'] },
    config: { type: 'object', properties: {} },
    outputs: [{ name: 'address', schema: address }],
    durationMs: 100,
    credits: 1,
    run: (i) => ({ address: '0x' + createHash('sha256').update(String(i.publicKey)).digest('hex').slice(-40) }),
  },
  {
    name: 'Wait for EVM transaction',
    module: 'WAIT_FOR_EVM_TRANSACTION',
    type: 'action',
    input: { type: 'object', properties: { txHash: { type: 'string', pattern: '^0x[0-9a-fA-F]{64}$' } }, required: ['txHash'] },
    config: { type: 'object', properties: { confirmations: { type: 'integer', minimum: 1, maximum: 64, default: 1 } } },
    outputs: [
      { name: 'status', schema: { type: 'string' } },
      { name: 'blockNumber', schema: { type: 'integer' } },
    ],
    durationMs: 1200,
    credits: 2,
    run: (i) => {
      if (/^0x0+$/.test(String(i.txHash))) throw new Error('transaction not found');
      return { status: 'confirmed', blockNumber: 19_000_000 + randomBytes(2).readUInt16BE(0) };
    },
  },
];

export function findModule(name: string): ModuleSpec | undefined {
  return MODULES.find((m) => m.module === name);
}

/** `GET /v1/system/components` rows, in the shape the SDK's generator reads. */
export function catalog(): unknown[] {
  return MODULES.map((m) => ({
    name: m.name,
    module: m.module,
    type: m.type,
    executionModes: m.type === 'trigger' ? ['workflow'] : ['workflow', 'standalone'],
    inputs: { parameters: Object.entries(m.input.properties ?? {}).map(([name, schema]) => ({ name, schema, required: (m.input.required ?? []).includes(name) })) },
    outputs: { response: m.outputs },
    configs: m.config,
  }));
}

/** Returns the first violation as a message, or null. */
export function validate(value: unknown, schema: JsonSchema, path = '$'): string | null {
  if (schema.type) {
    const ok =
      schema.type === 'object' ? isRecord(value)
      : schema.type === 'array' ? Array.isArray(value)
      : schema.type === 'integer' ? Number.isInteger(value)
      : typeof value === schema.type;
    if (!ok) return `${path} must be ${schema.type}`;
  }
  if (schema.enum && !schema.enum.includes(value)) return `${path} must be one of ${schema.enum.map(String).join(', ')}`;
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern).test(value)) return `${path} does not match ${schema.pattern}`;
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `${path} must be >= ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `${path} must be <= ${schema.maximum}`;
  }
  if (isRecord(value)) {
    for (const r of schema.required ?? []) if (!(r in value)) return `${path}.${r} is required`;
    for (const [k, sub] of Object.entries(schema.properties ?? {})) {
      if (k in value) {
        const err = validate(value[k], sub, `${path}.${k}`);
        if (err) return err;
      }
    }
  }
  return null;
}
