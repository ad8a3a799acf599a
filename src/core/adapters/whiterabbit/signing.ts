import * as ed from '@noble/ed25519';
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
  const signature = await ed.signAsync(message, seed);
  return { 'x-sdk-timestamp': String(timestamp), 'x-sdk-signature': Buffer.from(signature).toString('base64') };
}

/** The public key for a seed, hex; shown to users so they can tell keys apart without the secret. */
export async function publicKeyHex(seed: Uint8Array): Promise<string> {
  return Buffer.from(await ed.getPublicKeyAsync(seed)).toString('hex');
}
