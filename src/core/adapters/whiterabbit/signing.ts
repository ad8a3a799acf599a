import type { KeyObject } from 'node:crypto';
import { createPrivateKey, sign } from 'node:crypto';
import { FlowscopeError } from '../../errors';

/** The fixed PKCS#8 header of an Ed25519 private key: the 32-byte seed follows it. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Reads White Rabbit's API secret in any of the forms users paste: the base64 PKCS#8 DER the
 * dashboard shows, a PEM block, or a raw 32-byte seed as base64 or hex. Returns the seed.
 * The message never echoes the secret, since it may end up in a notification.
 */
export function parseSigningSecret(secret: string): Uint8Array {
  const text = secret.trim();
  if (!text) throw invalid('it is empty');
  if (text.startsWith('-----BEGIN')) {
    if (!/-----BEGIN PRIVATE KEY-----/.test(text)) throw invalid('only an unencrypted "PRIVATE KEY" PEM block (PKCS#8) is accepted');
    const body = text.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
    return fromDer(Buffer.from(body, 'base64'));
  }
  if (/^[0-9a-fA-F]{64}$/.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw invalid('it is neither base64, hex nor a PEM block');
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length === 32) return new Uint8Array(bytes);
  return fromDer(bytes);
}

function fromDer(der: Buffer): Uint8Array {
  if (der.length !== 48 || !der.subarray(0, PKCS8_PREFIX.length).equals(PKCS8_PREFIX)) {
    throw invalid(`it decodes to ${der.length} bytes that are not an Ed25519 PKCS#8 key (expected 48 bytes starting MC4CAQAwBQYDK2VwBCIEI)`);
  }
  return new Uint8Array(der.subarray(PKCS8_PREFIX.length));
}

function invalid(why: string): FlowscopeError {
  return new FlowscopeError('usage', `The White Rabbit API secret is not valid: ${why}. Paste the secret shown when the API key was created.`);
}

/** The exact message White Rabbit signs: `METHOD|PATH|TIMESTAMP|BODY`, a bodiless request signing `{}`. */
export function signingMessage(method: string, pathname: string, timestamp: number, bodyText: string | undefined): string {
  return `${method.toUpperCase()}|${pathname}|${timestamp}|${bodyText ?? '{}'}`;
}

/**
 * The seed as a Node key object, built once per seed. Node's native Ed25519 signs in about
 * 0.04 ms of CPU where the pure-JS @noble/ed25519 took 1.2 ms, and White Rabbit signs every request
 * (each stream opening and each run-detail read of every followed run): with 100 runs live this
 * was a large part of the client's CPU. Ed25519 is deterministic, so the signatures are the same
 * bytes (test/unit/signing.test.ts checks them against fixed vectors).
 */
const keys = new WeakMap<Uint8Array, KeyObject>();

function keyOf(seed: Uint8Array): KeyObject {
  let key = keys.get(seed);
  if (!key) {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    keys.set(seed, key);
  }
  return key;
}

/** Signs one request: returns the two headers White Rabbit checks besides the API key. */
export async function signRequest(
  seed: Uint8Array,
  method: string,
  pathname: string,
  bodyText: string | undefined,
  nowMs: number,
): Promise<{ 'x-sdk-timestamp': string; 'x-sdk-signature': string }> {
  const timestamp = Math.floor(nowMs / 1000);
  const message = new TextEncoder().encode(signingMessage(method, pathname, timestamp, bodyText));
  const signature = sign(null, message, keyOf(seed));
  return { 'x-sdk-timestamp': String(timestamp), 'x-sdk-signature': signature.toString('base64') };
}
