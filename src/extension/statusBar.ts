import * as vscode from 'vscode';
import type { ConnectionRun } from '../core/runs/distinctRuns';
import { distinctRuns } from '../core/runs/distinctRuns';
import type { RunStore } from '../core/runs/runStore';
import { DisposableStore, toDisposable } from '../core/util/disposable';
import { Commands } from './commandIds';

/** The number of live runs in this window; clicking lists them. Hidden when there are none. */
export class LiveRunsStatus implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly item = this.store.add(vscode.window.createStatusBarItem('flowscope.liveRuns', vscode.StatusBarAlignment.Left, 50));
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly runs: RunStore) {
    this.item.name = vscode.l10n.t('Flowscope Live Runs');
    this.item.command = Commands.runsShowLive;
    // Bursts of stage events coalesce into one update per tick.
    this.store.add(runs.onDidChange(() => this.schedule()));
    this.store.add(toDisposable(() => clearTimeout(this.timer)));
    this.update();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.store.isDisposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, 100);
  }

  private update(): void {
    const live = distinctLiveRuns(this.runs);
    if (live.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(sync~spin) ${vscode.l10n.t('{0} live', live.length)}`;
    this.item.tooltip = vscode.l10n.t('{0} run(s) followed live by Flowscope. Click to list them.', live.length);
    this.item.show();
  }

  dispose(): void {
    this.store.dispose();
  }
}

/**
 * The runs the status bar counts and its picker lists: the same list, so "2 live" always opens
 * a picker of two. (The picker used to add runs the tree showed as active without following them.)
 */
export function distinctLiveRuns(runs: Pick<RunStore, 'liveRuns'>): ConnectionRun[] {
  return distinctRuns(runs.liveRuns());
}
