import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import { registerCommand } from '../commands/register';
import type { WrapperDeps } from '../features';

/** The editor-title actions of a review diff (package.json `editor/title`, shown while one is open). */
export const ReviewCommands = {
  push: Commands.reviewPush,
  dontPush: Commands.reviewDontPush,
  pull: Commands.reviewPull,
  keepLocal: Commands.reviewKeepLocal,
} as const;

/** Context key: `push` or `pull` while that review's diff is open, empty otherwise. */
const REVIEW_CONTEXT = 'flowscope.review';

export interface ReviewRequest {
  readonly kind: 'push' | 'pull';
  readonly left: vscode.Uri;
  readonly right: vscode.Uri;
  readonly title: string;
  /** The question, asked beside the diff (never in a modal that covers it). */
  readonly question: string;
  /** Button labels that say what they do ("Push 3 changes", "Don't Push"). */
  readonly accept: string;
  /** What accepting also does or cannot do, under the accept choice. */
  readonly acceptDetail?: string;
  readonly decline: string;
}

interface Open {
  readonly request: ReviewRequest;
  readonly settle: (accepted: boolean) => void;
}

/**
 * A confirmation asked from the diff it is about: the diff opens, its editor title gets the two
 * answers as actions, and a non-modal quick pick asks the same question (either answers it).
 * Closing the diff tab answers no. Whatever the answer, the diff tab is closed afterwards, so no
 * stale review is left behind. One review at a time: a new one declines the one still open.
 */
export class DiffReviews implements vscode.Disposable {
  private open: Open | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(deps: WrapperDeps) {
    this.subscriptions = [
      registerCommand(Commands.reviewPush, () => this.answer('push', true), deps),
      registerCommand(Commands.reviewDontPush, () => this.answer('push', false), deps),
      registerCommand(Commands.reviewPull, () => this.answer('pull', true), deps),
      registerCommand(Commands.reviewKeepLocal, () => this.answer('pull', false), deps),
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        if (this.open && e.closed.some((tab) => this.isReviewTab(tab, this.open?.request))) this.answer(this.open.request.kind, false);
      }),
    ];
  }

  /**
   * Opens the diff and resolves with the user's answer; the diff is closed before it resolves.
   * An abort of `signal` (the Cancel of the operation's progress toast) answers no, so a cancelled
   * push or pull leaves no review open behind it.
   */
  async review(request: ReviewRequest, signal?: AbortSignal): Promise<boolean> {
    // Cancelled before the review was due: nothing to show, and no diff flashing open and shut.
    if (signal?.aborted) return false;
    this.open?.settle(false);
    const answered = new Promise<boolean>((resolve) => {
      this.open = { request, settle: resolve };
    });
    const abandon = (): void => {
      if (this.open?.request === request) this.open.settle(false);
    };
    signal?.addEventListener('abort', abandon, { once: true });
    await vscode.commands.executeCommand('setContext', REVIEW_CONTEXT, request.kind);
    await vscode.commands.executeCommand('vscode.diff', request.left, request.right, request.title, { preview: false, preserveFocus: false });
    const prompt = this.prompt(request);
    const accepted = await answered;
    signal?.removeEventListener('abort', abandon);
    prompt.dispose();
    this.open = undefined;
    await vscode.commands.executeCommand('setContext', REVIEW_CONTEXT, '');
    await this.closeTabs(request);
    return accepted;
  }

  /**
   * The question as a quick pick that stays open while the user reads or scrolls the diff
   * (`ignoreFocusOut`): non-modal, so the diff stays visible, and closed by code once answered
   * from the editor title. Escape answers no.
   */
  private prompt(request: ReviewRequest): vscode.QuickPick<vscode.QuickPickItem & { accepted: boolean }> {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { accepted: boolean }>();
    pick.title = request.question;
    pick.placeholder = vscode.l10n.t('Review the diff below, then choose (the same two actions are in the diff\'s title bar)');
    pick.items = [
      { label: request.accept, detail: request.acceptDetail, accepted: true },
      { label: request.decline, accepted: false },
    ];
    pick.ignoreFocusOut = true;
    // Only this review's answer: a hide that arrives after a newer review opened must not decline it.
    pick.onDidAccept(() => {
      if (this.open?.request === request) this.open.settle(pick.selectedItems[0]?.accepted === true);
    });
    pick.onDidHide(() => {
      if (this.open?.request === request) this.open.settle(false);
    });
    pick.show();
    return pick;
  }

  private answer(kind: ReviewRequest['kind'], accepted: boolean): void {
    if (this.open?.request.kind === kind) this.open.settle(accepted);
  }

  private isReviewTab(tab: vscode.Tab, request: ReviewRequest | undefined): boolean {
    return request !== undefined && tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === request.right.toString();
  }

  private async closeTabs(request: ReviewRequest): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((tab) => this.isReviewTab(tab, request));
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
  }

  dispose(): void {
    this.open?.settle(false);
    for (const s of this.subscriptions) s.dispose();
  }
}
