/**
 * Removes secrets from text bound for logs. Known secrets (the keys of configured connections)
 * are replaced wherever they appear; token-shaped strings are masked even when unknown, because
 * a server may echo a header back in an error body.
 */
/** Each pattern captures exactly one group: the prefix kept in front of the mask. */
const PATTERNS: readonly RegExp[] = [
  /(authorization\s*[:=]\s*"?(?:bearer\s+)?)[^\s",;}]+/gi,
  /(\b(?:apikey|x-api-key|api[_-]?key|api[_-]?secret|token|x-sdk-signature)\b"?\s*[:=]\s*"?)[^\s",;}&]+/gi,
  /(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /()\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  /()\b(?:ws|wrk|wfl|sva|sk|whsec)_[A-Za-z0-9_-]{8,}/g,
  /()MC4CAQAwBQYDK2VwBCIEI[A-Za-z0-9+/=]+/g,
];

const MASK = '•••';

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret value to mask (short values are ignored: they would mask ordinary words). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  remove(secret: string | undefined): void {
    if (secret) this.secrets.delete(secret);
  }

  redact(text: string): string {
    let out = this.redactKnown(text);
    for (const pattern of PATTERNS) out = out.replace(pattern, (_whole, prefix: string) => `${prefix}${MASK}`);
    return out;
  }

  /** Masks only the registered secrets: for data output, where token-shaped words are data. */
  redactKnown(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(MASK);
    return out;
  }
}
