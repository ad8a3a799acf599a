import { randomBytes, randomUUID } from 'node:crypto';
import type { Block } from './schema';

export interface WebhookCredentials {
  /** Powabase routes `POST /api/webhooks/{webhook_id}` by it; it must be a UUID. */
  readonly webhookId: string;
  /** Sent by callers as `Authorization: Bearer <secret>`. Never log it. */
  readonly webhookSecret: string;
}

/**
 * Mints a webhook's id and secret. Powabase does not mint them for graphs saved through its API,
 * so the client must. 32 bytes from the OS CSPRNG give a 256-bit secret; base64url keeps it safe
 * in URLs (`?token=`) and headers without escaping.
 */
export function mintWebhook(): WebhookCredentials {
  return { webhookId: randomUUID(), webhookSecret: randomBytes(32).toString('base64url') };
}

/** A fresh block id: `base`, else `base-2`, `base-3`, … whichever is free. */
export function freeBlockId(taken: Iterable<string>, base = 'webhook'): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

export function webhookBlock(id: string, credentials: WebhookCredentials, position?: { x: number; y: number }): Block {
  return {
    id,
    type: 'webhook',
    name: 'Webhook',
    ...(position ? { position } : {}),
    config: { webhook_id: credentials.webhookId, webhook_secret: credentials.webhookSecret },
  };
}
