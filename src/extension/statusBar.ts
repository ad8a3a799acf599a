import * as vscode from 'vscode';
import type { RunStore } from '../core/runs/runStore';
import { Commands } from './commandIds';

/** The number of live runs in this window; clicking lists them. Hidden when there are none. */
export class LiveRunsStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('flowscope.liveRuns', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: { dispose(): void };
  private queued = false;

  constructor(private readonly runs: RunStore) {
    this.item.name = vscode.l10n.t('Flowscope Live Runs');
    this.item.command = Commands.runsShowLive;
    // Bursts of stage events coalesce into one update per tick.
    this.subscription = runs.onDidChange(() => this.schedule());
    this.update();
  }

  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    setTimeout(() => {
      this.queued = false;
      this.update();
    }, 100);
  }

  private update(): void {
    const live = this.runs.liveRuns();
    if (live.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(sync~spin) ${vscode.l10n.t('{0} live', live.length)}`;
    this.item.tooltip = vscode.l10n.t('{0} run(s) followed live by Flowscope. Click to list them.', live.length);
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
