import type * as vscode from 'vscode';
import { JsoncTooDeepError, parse } from '../../core/graph/jsonc';
import { componentNamesByModule, MAX_NAME_CHARS } from '../../core/graph/componentNames';

/** The connection and workflow a graph file is bound to. */
export interface GraphTarget {
  readonly connection: string;
  readonly workflowId: string;
}

/**
 * Reads the binding tolerantly, so a file with unrelated errors still knows its target. Never
 * throws: a file nested too deep to parse has no binding (callers loop over many files).
 */
export function readBinding(text: string): GraphTarget | undefined {
  let value: unknown;
  try {
    value = parse(text, [], { allowTrailingComma: true, disallowComments: false });
  } catch (error) {
    if (error instanceof JsoncTooDeepError) return undefined;
    throw error;
  }
  if (typeof value !== 'object' || value === null || !('binding' in value)) return undefined;
  const binding: unknown = value.binding;
  if (typeof binding !== 'object' || binding === null) return undefined;
  const connection = 'connection' in binding ? binding.connection : undefined;
  const workflowId = 'workflowId' in binding ? binding.workflowId : undefined;
  if (typeof connection !== 'string' || typeof workflowId !== 'string' || !connection || !workflowId) return undefined;
  return { connection, workflowId };
}

/** The file name part of a uri, for messages and backup names. */
export function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** What a bound graph file says of its workflow: the workflow's `name` and its components' names by module. */
export interface BoundFacts extends GraphTarget {
  readonly name?: string;
  /** Module → component name (White Rabbit stages are named from these: core/graph/componentNames). */
  readonly components: Readonly<Record<string, string>>;
}

/** The binding of a graph file and the names it gives, when it is bound and gives any. */
export function readBoundFacts(text: string): BoundFacts | undefined {
  const target = readBinding(text);
  if (!target) return undefined;
  let value: unknown;
  try {
    value = parse(text, [], { allowTrailingComma: true, disallowComments: false });
  } catch {
    return undefined;
  }
  const name = typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string' ? value.name.trim().slice(0, MAX_NAME_CHARS) : '';
  const components = componentNamesByModule(value);
  if (!name && Object.keys(components).length === 0) return undefined;
  return { ...target, name: name || undefined, components };
}
