import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { contentSecurityPolicy, createNonce, renderWebviewHtml } from '../../src/extension/panels/html';
import type { UriLike, WebviewLike } from '../../src/extension/panels/html';

/** A stand-in for vscode.Uri with only what the builder uses. */
class FakeUri {
  constructor(readonly path: string) {}
  with(change: { path?: string }): vscode.Uri {
    return new FakeUri(change.path ?? this.path) as unknown as vscode.Uri;
  }
  toString(): string {
    return `file://${this.path}`;
  }
}

const CSP_SOURCE = 'https://*.vscode-cdn.net';
const webview: WebviewLike = {
  cspSource: CSP_SOURCE,
  asWebviewUri: (uri: vscode.Uri) => ({ toString: () => `https://file+.vscode-resource.vscode-cdn.net${uri.path}` }) as unknown as vscode.Uri,
};
const ext: UriLike = new FakeUri('/ext/flowscope') as unknown as UriLike;

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'a CSP meta tag');
  return m[1]!;
}

test('(unit) the CSP denies everything by default and allows only the nonce, the resource origin and blob workers', () => {
  const nonce = 'AAECAwQFBgcICQoLDA0ODw==';
  const csp = cspOf(renderWebviewHtml(webview, ext, nonce));
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v.join(' ')]));
  assert.equal(directives.get('default-src'), "'none'");
  assert.equal(directives.get('script-src'), `'nonce-${nonce}'`);
  assert.equal(directives.get('style-src'), CSP_SOURCE);
  assert.equal(directives.get('img-src'), `${CSP_SOURCE} data:`);
  assert.equal(directives.get('font-src'), CSP_SOURCE);
  assert.equal(directives.get('worker-src'), 'blob:');
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*(?!\.vscode-cdn)/);
  // The whole policy, written out: nothing more is allowed than the directives above.
  const expected =
    "default-src 'none'; script-src 'nonce-AAECAwQFBgcICQoLDA0ODw=='; style-src https://*.vscode-cdn.net; img-src https://*.vscode-cdn.net data:; font-src https://*.vscode-cdn.net; worker-src blob:";
  assert.equal(csp, expected);
  assert.equal(contentSecurityPolicy(CSP_SOURCE, nonce), expected);
});

test('(unit) every script carries the nonce and loads the bundle; there is no inline script or style', () => {
  const nonce = createNonce();
  const html = renderWebviewHtml(webview, ext, nonce);
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs!, new RegExp(`nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`));
    assert.match(attrs!, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/flowscope\/dist\/webview\/webview\.js"/);
    assert.equal(body!.trim(), '', 'no inline code');
  }
  assert.doesNotMatch(html, /<style\b/);
  assert.doesNotMatch(html, /\sstyle=/);
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  assert.match(html, /<link rel="stylesheet" href="https:\/\/[^"]+\/dist\/webview\/webview\.css">/);
});

test('(unit) nonces are 128-bit, base64, and fresh on every call', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const nonce = createNonce();
    assert.equal(Buffer.from(nonce, 'base64').length, 16);
    assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
    seen.add(nonce);
  }
  assert.equal(seen.size, 200);
  const a = cspOf(renderWebviewHtml(webview, ext, createNonce()));
  const b = cspOf(renderWebviewHtml(webview, ext, createNonce()));
  assert.notEqual(a, b);
});

test('(unit) the builder refuses a weak nonce', () => {
  assert.throws(() => renderWebviewHtml(webview, ext, 'abc'));
  assert.throws(() => renderWebviewHtml(webview, ext, '"><script>alert(1)</script>'));
});
