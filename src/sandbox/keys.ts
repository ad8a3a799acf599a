import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isRecord } from './util';

export interface WhiteRabbitKey {
  label: string;
  apiKey: string;
  /** Base64 PKCS#8 DER Ed25519 private key: what White Rabbit shows once as the "API secret". */
  apiSecret: string;
  /** Empty: every workflow. */
  allowedWorkflowIds: string[];
}

export interface Credentials {
  whiterabbit: WhiteRabbitKey[];
  powabase: { apiKey: string };
  supervity: { apiKey: string; org: string };
}

export function mintWhiteRabbitKey(label: string, allowedWorkflowIds: string[]): WhiteRabbitKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    label,
    apiKey: `ws_${randomBytes(18).toString('base64url')}`,
    apiSecret: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    allowedWorkflowIds,
  };
}

/**
 * Powabase's Service Role key is an HS256 JWT. The sandbox only compares it byte for byte, but
 * mints a well-formed one so clients that peek at its claims (role, exp) see something real.
 */
function mintServiceRoleJwt(): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ iss: 'powabase-sandbox', role: 'service_role', iat, exp: iat + 10 * 365 * 86400 })}`;
  const sig = createHmac('sha256', randomBytes(32)).update(head).digest('base64url');
  return `${head}.${sig}`;
}

export function freshCredentials(): Credentials {
  return {
    whiterabbit: [mintWhiteRabbitKey('sandbox', [])],
    powabase: { apiKey: mintServiceRoleJwt() },
    supervity: { apiKey: `sva_${randomBytes(24).toString('hex')}`, org: 'sandbox-org' },
  };
}

/** Accepts a credentials file written by an earlier run; anything malformed means "mint new ones". */
export function parseCredentials(v: unknown): Credentials | undefined {
  if (!isRecord(v) || !Array.isArray(v.whiterabbit) || !isRecord(v.powabase) || !isRecord(v.supervity)) return undefined;
  const wr = v.whiterabbit.filter(
    (k): k is WhiteRabbitKey => isRecord(k) && typeof k.apiKey === 'string' && typeof k.apiSecret === 'string' && Array.isArray(k.allowedWorkflowIds),
  );
  if (wr.length === 0 || typeof v.powabase.apiKey !== 'string' || typeof v.supervity.apiKey !== 'string') return undefined;
  const org = typeof v.supervity.org === 'string' ? v.supervity.org : 'sandbox-org';
  return { whiterabbit: wr, powabase: { apiKey: v.powabase.apiKey }, supervity: { apiKey: v.supervity.apiKey, org } };
}

/** Public halves of the White Rabbit keys, derived once (the server keeps only what verifies). */
export class WhiteRabbitKeyring {
  private readonly keys = new Map<string, { key: WhiteRabbitKey; publicKey: KeyObject }>();

  constructor(keys: WhiteRabbitKey[]) {
    for (const k of keys) this.add(k);
  }

  add(key: WhiteRabbitKey): void {
    const priv = createPrivateKey({ key: Buffer.from(key.apiSecret, 'base64'), format: 'der', type: 'pkcs8' });
    this.keys.set(key.apiKey, { key, publicKey: createPublicKey(priv) });
  }

  lookup(apiKey: string): { key: WhiteRabbitKey; publicKey: KeyObject } | undefined {
    return this.keys.get(apiKey);
  }
}
