/**
 * Helpers for the connection journeys (journeys-connections*.e2e.test.ts): the Add Connection
 * flow answered step by step, a tree row's inline action buttons, the user's settings file, and
 * a loopback forwarder to the sandbox that can also answer 429 (a rate-limited service).
 *
 * Not a test file itself (no `.e2e.test.ts` suffix).
 */
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { notificationCenter, quickInput, waitFor } from './harness';
import type { VsCode } from './harness';
import { replaceEditorText, rowInlineAction, treeRows } from './flowscope';
import type { TreeRow } from './flowscope';

export interface NewConnection {
  /** The service as the first pick lists it. */
  service: 'White Rabbit' | 'Powabase' | 'Supervity Auto';
  name: string;
  url: string;
  org?: string;
  /** White Rabbit and Supervity: the workflows to show, each with the name typed for it. */
  workflows?: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  protected?: boolean;
  apiKey: string;
  apiSecret?: string;
}

/** Waits until the open quick input's title ends with `suffix` (the step's name after "Add Connection (n/m): "). */
async function waitForStep(page: Page, suffix: RegExp): Promise<void> {
  const qi = quickInput(page);
  await waitFor(async () => suffix.test(await qi.title()), 15_000);
}

/**
 * "Flowscope: Add Connection…" from the palette, every step answered as `c` says. Returns once the last box (the key or the secret) was submitted.
 */
export async function addConnection(vscode: VsCode, c: NewConnection): Promise<void> {
  const page = vscode.page;
  const qi = quickInput(page);
  await vscode.runCommand('Flowscope: Add Connection…');
  await qi.waitOpen();
  await qi.pick(c.service);
  await waitForStep(page, /: name$/);
  await qi.submit(c.name);
  await waitForStep(page, /: URL$/);
  await qi.submit(c.url);
  if (c.org !== undefined) {
    await waitForStep(page, /: organization$/);
    await qi.submit(c.org);
  }
  if (c.workflows !== undefined) {
    await waitForStep(page, /: workflow ids$/);
    await qi.submit(c.workflows.map((w) => w.id).join(' '));
    for (const [i, w] of c.workflows.entries()) {
      await waitForStep(page, new RegExp(`: workflow names \\(${i + 1}/${c.workflows.length}\\)$`));
      await qi.submit(w.name);
    }
  }
  await waitForStep(page, /: protection$/);
  await qi.pick(c.protected ? 'Protected (production)' : 'Not protected');
  await waitForStep(page, /: API key$/);
  await qi.submit(c.apiKey);
  if (c.apiSecret !== undefined) {
    await waitForStep(page, /: API secret$/);
    await qi.submit(c.apiSecret);
  }
  await qi.waitClosed(15_000);
}

/** The rendered tree row labelled `label` below the row labelled `parent`, as data (undefined: not shown). */
export async function rowUnder(page: Page, parent: string, label: RegExp): Promise<TreeRow | undefined> {
  const rows = await treeRows(page);
  const index = rows.findIndex((r) => r.label === parent);
  if (index < 0) return undefined;
  const level = (rows[index] as TreeRow).level;
  for (const row of rows.slice(index + 1)) {
    if (row.level <= level) return undefined;
    if (row.level === level + 1 && label.test(row.label)) return row;
  }
  return undefined;
}

/** The inline action button `action` (its aria-label starts so) of the row labelled `label`, shown on hover. */
export async function inlineAction(page: Page, label: string, action: string): Promise<Locator> {
  return rowInlineAction(page, label, action, 'prefix');
}

/**
 * Every notification of this window: the toasts shown and those already moved to the
 * notification center (a toast hides itself after a while, so a check that one never came
 * must read the center).
 */
export async function allNotifications(vscode: VsCode): Promise<string[]> {
  return (await notificationCenter(vscode.page)).map((n) => n.text);
}

// ---------------------------------------------------------------------------
// The user's settings file
// ---------------------------------------------------------------------------

export function userSettingsFile(vscode: VsCode): string {
  return join(vscode.userDataDir, 'User', 'settings.json');
}

export async function readUserSettings(vscode: VsCode): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(userSettingsFile(vscode), 'utf8')) as Record<string, unknown>;
}

/**
 * Sets one user setting as a user does in "Preferences: Open User Settings (JSON)": the whole
 * file replaced in that editor and saved (a write behind VS Code's back is not always read
 * back by code-server's configuration service). The editor is closed afterwards.
 */
export async function setUserSetting(vscode: VsCode, key: string, value: unknown): Promise<void> {
  const settings = await readUserSettings(vscode);
  settings[key] = value;
  // One line: the JSON editor would indent pasted lines again.
  const text = JSON.stringify(settings);
  await vscode.runCommand('Preferences: Open User Settings (JSON)');
  await vscode.page.locator('.tabs-container .tab.active', { hasText: 'settings.json' }).waitFor({ state: 'visible', timeout: 15_000 });
  await replaceEditorText(vscode.page, text);
  await vscode.page.keyboard.press('Control+S');
  await waitFor(async () => JSON.stringify(await readUserSettings(vscode)) === text, 15_000, 200);
  await vscode.runCommand('View: Close All Editors');
}

// ---------------------------------------------------------------------------
// A loopback forwarder to the sandbox, switchable to "rate limited"
// ---------------------------------------------------------------------------

export interface Forwarder {
  url: string;
  port: number;
  /** Where requests go; set once the sandbox's URL is known. */
  target: string | undefined;
  /** While set, every request is answered 429 with this `Retry-After` (seconds) instead of forwarded. */
  retryAfterSeconds: number | undefined;
  /** Requests answered 429 so far. */
  limited: number;
  /** Requests received so far, forwarded or not. */
  requests: number;
  close(): Promise<void>;
}

/**
 * An HTTP forwarder on 127.0.0.1 (on `port` if given): passes every request to `target` and its
 * answer back unchanged, or, while `retryAfterSeconds` is set, answers 429 as Supervity Auto does
 * when rate limited: api-contracts.md §C.1 "Rate limits" ("60 req/min per IP, with
 * `Retry-After: <s>` on 429"), with the JSON `{ message }` error body of §C.8.
 */
export async function startForwarder(target?: string, port = 0): Promise<Forwarder> {
  const state = { target, retryAfterSeconds: undefined as number | undefined, limited: 0, requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    if (state.retryAfterSeconds !== undefined) {
      state.limited++;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(state.retryAfterSeconds) });
      res.end(JSON.stringify({ message: 'Too many requests, please try again later.' }));
      return;
    }
    if (state.target === undefined) {
      res.writeHead(503).end();
      return;
    }
    const upstreamUrl = new URL(state.target);
    const upstream = httpRequest(new URL(req.url ?? '/', upstreamUrl), { method: req.method, headers: { ...req.headers, host: upstreamUrl.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('close', () => {
        if (!answer.complete) res.destroy();
      });
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  const forwarder: Forwarder = {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    get target() {
      return state.target;
    },
    set target(value) {
      state.target = value;
    },
    get retryAfterSeconds() {
      return state.retryAfterSeconds;
    },
    set retryAfterSeconds(value) {
      state.retryAfterSeconds = value;
    },
    get limited() {
      return state.limited;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return forwarder;
}
