/**
 * VS Code's context menus (`.monaco-menu`, drawn in a shadow root that Playwright's CSS locators
 * pierce), driven as a user does: open, move to an item, accept it. Every step is checked,
 * because Enter accepts whatever item has the focus: a pointer that lands on the neighbouring
 * item would run that one instead, silently.
 */
import type { Page } from 'playwright-core';
import { escapeRegExp } from './paths';
import { waitFor } from './ui';

/** An item of the open menu (separators left out). */
export interface MenuItem {
  label: string;
  focused: boolean;
  enabled: boolean;
}

export interface ContextMenu {
  /** Waits until a menu is shown. */
  waitOpen(timeoutMs?: number): Promise<void>;
  waitClosed(timeoutMs?: number): Promise<void>;
  isOpen(): Promise<boolean>;
  /** The open menu's items, top to bottom. */
  items(): Promise<MenuItem[]>;
  /**
   * Gives the focus to the enabled item labelled exactly `label`, and says whether it has it: the
   * pointer moved onto it first (as the previous helper did), then the arrow keys, one item at a
   * time, if the pointer did not do it. False when the menu has no such item within `timeoutMs`.
   */
  focusItem(label: string, timeoutMs?: number): Promise<boolean>;
  /** Escape, then waits for the menu to go. */
  close(): Promise<void>;
}

export function contextMenu(page: Page): ContextMenu {
  const menu = page.locator('.monaco-menu');
  const itemLabel = (label: string) =>
    menu.locator('.action-item:not(.disabled) .action-label:not(.separator)').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) });
  const focusedLabel = async (): Promise<string | undefined> => (await ctx.items()).find((i) => i.focused)?.label;
  const ctx: ContextMenu = {
    waitOpen: async (timeoutMs = 10_000) => {
      await menu.first().waitFor({ state: 'visible', timeout: timeoutMs });
    },
    waitClosed: async (timeoutMs = 10_000) => {
      await menu.first().waitFor({ state: 'hidden', timeout: timeoutMs });
    },
    isOpen: async () => menu.first().isVisible(),
    items: async () =>
      menu
        .first()
        .locator('.action-item')
        .evaluateAll((elements) =>
          elements
            .filter((el) => !el.querySelector('.action-label.separator'))
            .map((el) => ({
              // The label alone: the item's text also holds its keybinding ("Ctrl+Alt+R").
              label: (el.querySelector('.action-label')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
              focused: el.classList.contains('focused'),
              enabled: !el.classList.contains('disabled'),
            })),
        ),
    focusItem: async (label, timeoutMs = 10_000) => {
      const item = itemLabel(label).first();
      const present = await item.waitFor({ state: 'visible', timeout: timeoutMs }).then(
        () => true,
        () => false,
      );
      if (!present) return false;
      // VS Code's menu ignores a click that comes right after it opened (it guards against the
      // right-click's own mouseup), so the item is focused and accepted with Enter by the caller.
      await item.hover();
      const hovered = await waitFor(async () => (await focusedLabel()) === label, 2_000, 50).then(
        () => true,
        () => false,
      );
      if (hovered) return true;
      // The pointer did not focus it (the menu moved under it, or it landed on a neighbour): the
      // arrow keys go through the enabled items, wrapping at the end, so one round reaches it.
      const count = (await ctx.items()).filter((i) => i.enabled).length;
      for (let step = 0; step < count; step++) {
        await page.keyboard.press('ArrowDown');
        if ((await focusedLabel()) === label) return true;
      }
      return false;
    },
    close: async () => {
      if (!(await ctx.isOpen())) return;
      await page.keyboard.press('Escape');
      await ctx.waitClosed();
    },
  };
  return ctx;
}

/** Shown in a failure message: the items, the focused one starred. */
export function describeMenu(items: readonly MenuItem[]): string {
  return items.length === 0 ? 'no menu open' : `menu [${items.map((i) => `${i.focused ? '*' : ''}${i.label}${i.enabled ? '' : ' (disabled)'}`).join(', ')}]`;
}
