import * as vscode from 'vscode';
import type { GraphDiagnostics } from './diagnostics';
import { GraphCommands } from './commandIds';
import { readBinding } from './graphFiles';
import { isGraphDocument } from './isGraphDocument';

/**
 * The file's actions at its top: Validate (with the current counts), Preview, Push, Pull, Run.
 * Push, Pull and Run name the bound workflow so the user sees where they go before clicking.
 */
export class GraphCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly diagnostics: GraphDiagnostics) {
    this.subscription = diagnostics.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isGraphDocument(document)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const found = this.diagnostics.current(document.uri) ?? [];
    const errors = found.filter((d) => d.severity === 'error').length;
    const warnings = found.filter((d) => d.severity === 'warning').length;
    const status =
      errors + warnings === 0
        ? vscode.l10n.t('$(check) Valid')
        : vscode.l10n.t('$(warning) {0} error(s), {1} warning(s)', errors, warnings);
    const binding = readBinding(document.getText());
    const where = binding ? `${binding.connection}/${binding.workflowId}` : undefined;
    const lens = (title: string, command: string, tooltip?: string, args: unknown[] = [document.uri]): vscode.CodeLens =>
      new vscode.CodeLens(top, { title, command, arguments: args, ...(tooltip ? { tooltip } : {}) });
    return [
      lens(status, GraphCommands.validate, vscode.l10n.t('Validate this graph file')),
      lens(vscode.l10n.t('$(type-hierarchy) Preview'), GraphCommands.preview, vscode.l10n.t('Show the graph')),
      lens(vscode.l10n.t('$(cloud-upload) Push'), GraphCommands.push, where ? vscode.l10n.t('Review and push to {0}', where) : vscode.l10n.t('Choose a workflow, review and push')),
      ...(where ? [] : [lens(vscode.l10n.t('$(add) Push as New Workflow'), GraphCommands.pushNew, vscode.l10n.t('Create a workflow from this file (Powabase) and bind the file to it'))]),
      lens(vscode.l10n.t('$(cloud-download) Pull'), GraphCommands.pull, where ? vscode.l10n.t('Replace with the graph of {0}', where) : vscode.l10n.t('Choose a workflow to pull')),
      lens(vscode.l10n.t('$(play) Run'), GraphCommands.run, where ? vscode.l10n.t('Run {0}', where) : vscode.l10n.t('Bind the file to a workflow first')),
    ];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
