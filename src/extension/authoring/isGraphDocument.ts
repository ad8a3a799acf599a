import type * as vscode from 'vscode';
import { FILE_SUFFIX } from '../../core/graph/fileSuffix';

/**
 * Whether a document is a graph file authoring works on (not a review's read-only copy). Apart
 * from graphFiles.ts so that activation can tell, without loading the graph code.
 */
export function isGraphDocument(document: vscode.TextDocument): boolean {
  return document.uri.path.toLowerCase().endsWith(FILE_SUFFIX) && document.uri.scheme !== 'flowscope-graph';
}
