/**
 * VS Code's notifications as a test reads them: the toasts, the notification center, and, for a
 * failure message, what the workbench shows at that moment (toasts, an open quick input, dialog
 * or menu), so that a wait that times out says what was there instead.
 *
 * When a notification is not a toast (VS Code 1.100, NotificationsToasts): while the center is
 * open no toast is shown; more than three notifications within 800 ms are not shown as toasts
 * (its spam protection); a toast without focus or pointer hides after 15 s (info), 18 s
 * (warning) or 20 s (error). In each case the notification is still listed in the center.
 */
import type { Page } from 'playwright-core';
import { contextMenu, describeMenu } from './menus';
import { normalize } from './paths';
import { quickInput, runCommand } from './ui';

/** Texts of the notification toasts currently shown. */
export async function notifications(page: Page): Promise<string[]> {
  const toasts = page.locator('.notifications-toasts .notification-list-item-message');
  return (await toasts.allTextContents()).map(normalize);
}

/** A notification as listed, with its severity (from its icon: info, warning, error). */
export interface ListedNotification {
  text: string;
  severity: string;
}

async function listed(page: Page, scope: string): Promise<ListedNotification[]> {
  return page.locator(`${scope} .notification-list-item`).evaluateAll((items) =>
    items.map((item) => ({
      text: (item.querySelector('.notification-list-item-message')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      severity: /codicon-(info|warning|error)\b/.exec(item.querySelector('.notification-list-item-icon')?.className ?? '')?.[1] ?? '',
    })),
  );
}

/** The toasts shown, with their severity. */
export async function toasts(page: Page): Promise<ListedNotification[]> {
  return listed(page, '.notifications-toasts');
}

/**
 * Every notification of the window, from the notification center (toasts included: the center
 * lists them too). The center is opened for the read and closed again if it was closed; opening
 * it hides the toasts for good, so read it last, or when the toasts do not have what you need.
 */
export async function notificationCenter(page: Page): Promise<ListedNotification[]> {
  const center = page.locator('.notifications-center');
  const wasOpen = await center.isVisible();
  if (!wasOpen) {
    await runCommand(page, 'Notifications: Show Notifications');
    await center.waitFor({ state: 'visible', timeout: 10_000 });
  }
  const all = await listed(page, '.notifications-center');
  if (!wasOpen) await runCommand(page, 'Notifications: Hide Notifications');
  return all;
}

/** One line per notification: "error: Could not …". */
export function describeNotifications(list: readonly ListedNotification[]): string {
  return list.length === 0 ? '(none)' : list.map((n) => `${n.severity || '?'}: ${JSON.stringify(n.text)}`).join(', ');
}

/**
 * What the workbench shows besides the editors, in words: the toasts, an open quick input (a
 * command that asks for something waits there), a modal dialog and a context menu.
 */
export async function describeWorkbench(page: Page): Promise<string> {
  const parts = [`toasts: ${describeNotifications(await toasts(page))}`];
  const qi = quickInput(page);
  if (await qi.widget.isVisible()) {
    const placeholder = (await qi.input.getAttribute('placeholder').catch(() => null)) ?? '';
    parts.push(
      `quick input open: title ${JSON.stringify(await qi.title())}, placeholder ${JSON.stringify(placeholder)}, message ${JSON.stringify(await qi.message())}, items ${JSON.stringify((await qi.items()).slice(0, 8))}`,
    );
  }
  const dialog = page.locator('.monaco-dialog-box');
  if (await dialog.isVisible()) parts.push(`dialog open: ${JSON.stringify(normalize(await dialog.textContent()))}`);
  const menu = contextMenu(page);
  if (await menu.isOpen()) parts.push(describeMenu(await menu.items()));
  return parts.join('; ');
}
