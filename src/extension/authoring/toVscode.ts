import * as vscode from 'vscode';
import type { GraphDiagnostic } from '../../core/graph/graphDiagnostic';

const SEVERITY: Record<GraphDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVscodeDiagnostic(d: GraphDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const diagnostic = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
  diagnostic.source = 'flowscope';
  diagnostic.code = d.code;
  // Faded like dead code: an unreachable block never runs.
  if (d.code === 'unreachable-block') diagnostic.tags = [vscode.DiagnosticTag.Unnecessary];
  return diagnostic;
}
