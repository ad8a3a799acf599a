import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { parseSigningSecret, signingMessage, signRequest } from '../../src/core/adapters/whiterabbit/signing';
import { FlowscopeError } from '../../src/core/errors';

// The RFC 8032 §7.1 TEST 1 key, wrapped as PKCS#8: a published test key, not a credential.
const SECRET = 'MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g';
// RFC 8032 §7.1 TEST 1: the secret key (the 32-byte seed) and its public key.
const SEED_HEX = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const PUBLIC_HEX = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const TS = 1767225600;

const vectors: Array<[string, string, string | undefined, string]> = [
  ['POST', '/v1/sdk/workflows/11111111-1111-1111-1111-111111111111', undefined, 'dwsRL+9eJJfyDdiBbX+RYFvyTzA5ufSyQ6+VxwHQpv3uTgtg7puRoMVg0Mb/i6m98JaXIGToFlsFsAzLkizMDg=='],
  ['GET', '/v1/sdk/workflows/executions/22222222-2222-2222-2222-222222222222', undefined, 'lJtIOmg39qSLVI94nBbF8p4+/OKbJDwRcoZRQgbGgucJcM8owa0S4ewK/rXxpEtiD5i8gaQorV06W3b6ni9zDQ=='],
  [
    'POST',
    '/v1/sdk/components',
    '{"module":"RANDOM_UUID","input":{},"config":{},"waitForMs":5000}',
    'hZVFvsdOiv5o95mAt6ZVwkv8txxp6pPcl0Vt/PvE6AWbSr+SBcqft1N5swei47hjmBh0Szv7EaZgaqoeVuCaCQ==',
  ],
];

test('reproduces the contract test vectors exactly', async () => {
  const seed = parseSigningSecret(SECRET);
  assert.equal(Buffer.from(seed).toString('hex'), SEED_HEX);
  for (const [method, path, body, expected] of vectors) {
    const headers = await signRequest(seed, method, path, body, TS * 1000 + 999);
    assert.equal(headers['x-sdk-timestamp'], String(TS));
    assert.equal(headers['x-sdk-signature'], expected, `${method} ${path}`);
  }
});

test('a bodiless request signs {} as the documented helper does', () => {
  assert.equal(signingMessage('get', '/v1/x', 5, undefined), 'GET|/v1/x|5|{}');
});

test('signatures verify with node:crypto for a freshly generated key', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const seed = parseSigningSecret(der);
  const h = await signRequest(seed, 'POST', '/v1/sdk/components', '{"a":1}', 1_700_000_000_000);
  const msg = Buffer.from(`POST|/v1/sdk/components|${h['x-sdk-timestamp']}|{"a":1}`);
  assert.ok(verify(null, msg, publicKey, Buffer.from(h['x-sdk-signature'], 'base64')));
});

test('accepts PEM, raw base64 seed and hex seed forms of the same key', async () => {
  const key = createPrivateKey({ key: Buffer.from(SECRET, 'base64'), format: 'der', type: 'pkcs8' });
  const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  const seedBytes = Buffer.from(SECRET, 'base64').subarray(16);
  for (const form of [pem, seedBytes.toString('base64'), seedBytes.toString('hex'), `  ${SECRET}\n`]) {
    assert.equal(Buffer.from(parseSigningSecret(form)).toString('hex'), SEED_HEX);
  }
  assert.equal(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12).toString('hex'), PUBLIC_HEX);
});

test('rejects anything else with a usage error that does not echo the secret', () => {
  const bad = ['', 'not a key!', 'MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v', Buffer.alloc(48, 1).toString('base64'), '-----BEGIN ENCRYPTED PRIVATE KEY-----\nabc\n-----END ENCRYPTED PRIVATE KEY-----'];
  for (const secret of bad) {
    assert.throws(
      () => parseSigningSecret(secret),
      (e: unknown) => e instanceof FlowscopeError && e.reason === 'usage' && (secret.length < 4 || !e.message.includes(secret.trim())),
    );
  }
});
