import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/**
 * The one HTML builder of the graph webview. Only a type import of `vscode`, so it is tested in
 * plain Node with a fake webview (test/unit/panel-html.test.ts).
 *
 * CSP: nothing is allowed by default; the only script is the bundle, admitted by a fresh 128-bit
 * nonce; styles and fonts come only from the extension's resource origin (no inline styles: the
 * webview positions elements through the CSSOM, which style-src does not govern); the layout
 * worker is started from a `blob:` URL created by that nonce-checked script (see
 * src/webview/layout/client.ts). No data is put in the page: it comes by postMessage after
 * `ready`, so no server string is ever parsed as HTML.
 */

export type WebviewLike = Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>;
export type UriLike = Pick<vscode.Uri, 'with' | 'path'>;

/** Folders the webview may load from, relative to the extension root. */
export const WEBVIEW_RESOURCE_DIRS = ['dist/webview', 'media'] as const;

export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    'worker-src blob:',
  ].join('; ');
}

function child(base: UriLike, ...segments: string[]): vscode.Uri {
  const path = [base.path.replace(/\/+$/, ''), ...segments].join('/');
  return base.with({ path });
}

export function renderWebviewHtml(webview: WebviewLike, extensionUri: UriLike, nonce: string): string {
  if (!/^[A-Za-z0-9+/]{22}==$/.test(nonce)) throw new Error('nonce must be 16 random bytes in base64');
  const script = webview.asWebviewUri(child(extensionUri, 'dist', 'webview', 'webview.js')).toString();
  const style = webview.asWebviewUri(child(extensionUri, 'dist', 'webview', 'webview.css')).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(webview.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(style)}">
<title>Flowscope graph</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeAttribute(script)}"></script>
</body>
</html>`;
}

export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
