import * as vscode from 'vscode';
import { FIXABLE_CODES, graphFixes } from '../../core/graph/fixes';
import type { GraphDiagnosticCode } from '../../core/graph/graphDiagnostic';

/**
 * Ctrl+. on a graph file's problem: the fixes core/graph/fixes.ts computes for the validator's
 * diagnostics (did you mean, rename a duplicate, nearest block type, add a starter or response).
 * The edits are computed here from the document's current text, so a fix never applies to text
 * that changed since the diagnostic was made.
 */
export class GraphQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const text = document.getText();
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const code = diagnostic.code;
      if (diagnostic.source !== 'flowscope' || typeof code !== 'string' || !FIXABLE_CODES.has(code as GraphDiagnosticCode)) continue;
      for (const fix of graphFixes(text, code as GraphDiagnosticCode, document.offsetAt(diagnostic.range.start))) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        // One obvious fix per problem: Ctrl+. then Enter applies it.
        action.isPreferred = true;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) {
          action.edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.newText);
        }
        actions.push(action);
      }
    }
    return actions;
  }
}
