import * as vscode from 'vscode';
import { findNodeAtLocation, findNodeAtOffset, getNodeValue, modify, parseTree } from '../../core/graph/jsonc';
import type { FormattingOptions, Node } from '../../core/graph/jsonc';
import { freeBlockId, mintWebhook, webhookBlock } from '../../core/graph/webhook';
import type { Authoring } from './context';

/**
 * Webhook blocks need a client-minted UUID and secret (Powabase does not mint them for graphs
 * saved through its API). Both the command and the quick fix mint them here; the secret goes
 * into the file and, for the command, into one modal, and never into a log.
 */
export async function insertWebhookCommand(ctx: Authoring, editor: vscode.TextEditor): Promise<void> {
  const document = editor.document;
  const text = document.getText();
  const root = parseTree(text);
  const blocks = root ? findNodeAtLocation(root, ['blocks']) : undefined;
  if (blocks?.type !== 'array') {
    void vscode.window.showErrorMessage(vscode.l10n.t('This file has no "blocks" array to add the webhook block to.'));
    return;
  }
  const ids = (blocks.children ?? []).map((b) => (b.type === 'object' ? findNodeAtLocation(b, ['id'])?.value : undefined)).filter((v): v is string => typeof v === 'string');
  const id = freeBlockId(ids, 'webhook');
  const credentials = mintWebhook();
  const edits = modify(text, ['blocks', -1], webhookBlock(id, credentials), { formattingOptions: formattingOf(editor), isArrayInsertion: true });
  if (!(await apply(document, edits))) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not insert the webhook block.'));
    return;
  }
  ctx.log.info(`inserted webhook block "${id}" into ${document.uri.path}`);
  const copy = vscode.l10n.t('Copy Secret');
  const picked = await vscode.window.showInformationMessage(
    vscode.l10n.t('Webhook block "{0}" added.', id),
    {
      modal: true,
      detail: vscode.l10n.t(
        'Webhook id: {0}\n\nSecret (callers send it as "Authorization: Bearer <secret>"):\n{1}\n\nIt is stored in this file: keep the file out of shared version control, or replace the secret before committing.',
        credentials.webhookId,
        credentials.webhookSecret,
      ),
    },
    copy,
  );
  if (picked === copy) await vscode.env.clipboard.writeText(credentials.webhookSecret);
}

const FIXABLE = new Set(['webhook-missing-id', 'webhook-missing-secret', 'webhook-invalid-id', 'webhook-weak-secret']);

class MintAction extends vscode.CodeAction {
  constructor(
    readonly document: vscode.TextDocument,
    readonly blockIndex: number,
    diagnostics: vscode.Diagnostic[],
  ) {
    super(vscode.l10n.t('Generate webhook id and secret'), vscode.CodeActionKind.QuickFix);
    this.diagnostics = diagnostics;
    this.isPreferred = true;
  }
}

/** Quick fix on a webhook diagnostic: mints what is missing or weak. Minted only when chosen. */
export class WebhookQuickFix implements vscode.CodeActionProvider<MintAction> {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): MintAction[] {
    const root = parseTree(document.getText());
    if (!root) return [];
    const actions = new Map<number, MintAction>();
    for (const d of context.diagnostics) {
      if (d.source !== 'flowscope' || typeof d.code !== 'string' || !FIXABLE.has(d.code)) continue;
      const index = blockIndexAt(root, document.offsetAt(d.range.start));
      if (index === undefined) continue;
      const existing = actions.get(index);
      if (existing) existing.diagnostics?.push(d);
      else actions.set(index, new MintAction(document, index, [d]));
    }
    return [...actions.values()];
  }

  resolveCodeAction(action: MintAction): MintAction {
    const text = action.document.getText();
    const root = parseTree(text);
    const configNode = root ? findNodeAtLocation(root, ['blocks', action.blockIndex, 'config']) : undefined;
    const config: Record<string, unknown> = configNode?.type === 'object' ? (getNodeValue(configNode) as Record<string, unknown>) : {};
    const credentials = mintWebhook();
    const codes = new Set((action.diagnostics ?? []).map((d) => String(d.code)));
    if (codes.has('webhook-missing-id') || codes.has('webhook-invalid-id')) config.webhook_id = credentials.webhookId;
    if (codes.has('webhook-missing-secret') || codes.has('webhook-weak-secret')) config.webhook_secret = credentials.webhookSecret;
    // One edit of the block's config keeps the change (and its undo) small and local.
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === action.document);
    const edits = modify(text, ['blocks', action.blockIndex, 'config'], config, { formattingOptions: formattingOf(editor) });
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(action.document.uri, new vscode.Range(action.document.positionAt(e.offset), action.document.positionAt(e.offset + e.length)), e.content);
    action.edit = edit;
    return action;
  }
}

function blockIndexAt(root: Node, offset: number): number | undefined {
  let node: Node | undefined = findNodeAtOffset(root, offset);
  const blocks = findNodeAtLocation(root, ['blocks']);
  while (node && node.parent !== blocks) node = node.parent;
  if (!node || !blocks?.children) return undefined;
  const index = blocks.children.indexOf(node);
  return index >= 0 ? index : undefined;
}

function formattingOf(editor: vscode.TextEditor | undefined): FormattingOptions {
  const tabSize = typeof editor?.options.tabSize === 'number' ? editor.options.tabSize : 2;
  return { insertSpaces: editor?.options.insertSpaces !== false, tabSize, eol: editor?.document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n' };
}

async function apply(document: vscode.TextDocument, edits: ReadonlyArray<{ offset: number; length: number; content: string }>): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
  return vscode.workspace.applyEdit(edit);
}
