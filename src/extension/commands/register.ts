import * as vscode from 'vscode';
import type { FlowscopeError } from '../../core/errors';
import { toFlowscopeError } from '../../core/errors';
import type { CommandId } from '../commandIds';
import { Commands } from '../commandIds';
import type { WrapperDeps } from '../features';

/** A failure tied to one connection, so the message can offer that connection's fix. */
export class ConnectionScopedError extends Error {
  constructor(
    readonly connection: string,
    readonly error: FlowscopeError,
  ) {
    super(error.message);
  }
}

/** Runs `work` for a connection: any failure is re-thrown tagged with the connection. */
export async function scoped<T>(connection: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
  try {
    return await (typeof work === 'function' ? work() : work);
  } catch (error) {
    if (error instanceof ConnectionScopedError) throw error;
    throw new ConnectionScopedError(connection, toFlowscopeError(error));
  }
}

type Invoke = (...args: unknown[]) => Promise<void>;

/**
 * The handlers of the features loaded so far, by command id. VS Code knows only the stubs of
 * `registerLazyCommands`; they dispatch here once the bundle holding the feature is loaded.
 */
export class CommandHandlers {
  private readonly handlers = new Map<CommandId, Invoke>();

  add(id: CommandId, invoke: Invoke): vscode.Disposable {
    if (this.handlers.has(id)) throw new Error(`command ${id} is registered twice`);
    this.handlers.set(id, invoke);
    return { dispose: () => this.handlers.get(id) === invoke && this.handlers.delete(id) };
  }

  get(id: CommandId): Invoke | undefined {
    return this.handlers.get(id);
  }
}

/**
 * Registers every id of the one command table with VS Code at activation, each with a stub that
 * loads the features on first call (`load`, which builds them and their handlers once) and then
 * runs the handler the feature registered through `registerCommand`. Activation so never
 * evaluates a feature's code (its zod schemas, the adapters, the tree's presentation) for a
 * command nobody has run; the palette, keybindings and menus still find every command at once.
 */
export function registerLazyCommands(load: () => Promise<(id: CommandId) => Promise<Invoke | undefined>>, log: WrapperDeps['log']): vscode.Disposable {
  const stubs = Object.values(Commands).map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      let handler: Invoke | undefined;
      try {
        handler = await (await load())(id);
      } catch (error) {
        reportLoadFailure(id, error, log);
        return;
      }
      if (!handler) throw new Error(`no handler registered for ${id}`);
      await handler(...args);
    }),
  );
  return vscode.Disposable.from(...stubs);
}

/**
 * A failed load of the features. Only a module missing from dist/ is a broken installation that
 * reinstalling fixes; anything else (a feature's constructor throwing, say) is our bug: logged
 * with its stack and reported like any internal error. The next command tries the load again.
 */
function reportLoadFailure(id: CommandId, error: unknown, log: WrapperDeps['log']): void {
  log.error(`${id}: loading Flowscope's features failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const message = error instanceof Error ? error.message : String(error);
  void vscode.window.showErrorMessage(
    isModuleNotFound(error)
      ? vscode.l10n.t('Flowscope could not load its features ({0}). Reinstall the extension; the log has the details.', message)
      : vscode.l10n.t('Flowscope hit an internal error ({0}). The log has the details.', message),
  );
}

/** Node's codes for a `require` (the bundle's `import()` becomes one) or an ESM import of a missing file. */
function isModuleNotFound(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}

/**
 * The one way commands are registered: failures become one clear message with the action that
 * fixes them ("Update API key…", "Retry", "Edit URL…") and a line in the log; cancellations are
 * silent. Commands never show their own error popups. The handler goes to `host.handlers`, which
 * the stubs of `registerLazyCommands` dispatch to.
 */
export function registerCommand(id: CommandId, run: (...args: unknown[]) => unknown, host: WrapperDeps): vscode.Disposable {
  const invoke = async (...args: unknown[]): Promise<void> => {
    try {
      await run(...args);
    } catch (raw) {
      await report(id, raw, args, host, invoke);
    }
  };
  return host.handlers.add(id, invoke);
}

async function report(
  id: CommandId,
  raw: unknown,
  args: unknown[],
  host: WrapperDeps,
  retry: (...args: unknown[]) => Promise<void>,
): Promise<void> {
  const connection = raw instanceof ConnectionScopedError ? raw.connection : undefined;
  const error = raw instanceof ConnectionScopedError ? raw.error : toFlowscopeError(raw);
  if (error.reason === 'aborted') return;
  host.log.error(`${id} failed${connection ? ` on ${connection}` : ''} (${error.reason}${error.status ? ` ${error.status}` : ''}): ${error.message}`);
  const stack = stackOf(raw, error);
  // Our own bugs are logged with their stack so they can be fixed; the others only at debug.
  if (stack && error.reason === 'internal') host.log.error(stack);
  else if (stack) host.log.debug(stack);
  if (connection) host.reportFailure(connection, error);

  const prefix = connection ? `${connection}: ` : '';
  const actions = new Map<string, () => Thenable<unknown>>();
  let message = prefix + error.message;
  switch (error.reason) {
    case 'auth':
    case 'forbidden':
      message = prefix + vscode.l10n.t('The service rejected the credentials ({0}).', error.message);
      if (connection) actions.set(vscode.l10n.t('Update API key…'), () => vscode.commands.executeCommand(Commands.connectionSetApiKey, connection));
      break;
    case 'network':
    case 'timeout':
      // The message already says what could not be reached and why: wrapping it would say it twice.
      actions.set(vscode.l10n.t('Retry'), () => retry(...args));
      if (connection) actions.set(vscode.l10n.t('Edit URL…'), () => vscode.commands.executeCommand(Commands.connectionEditUrl, connection));
      break;
    case 'rateLimited':
      message =
        prefix +
        (error.retryAfterMs !== undefined
          ? vscode.l10n.t('Rate limited by the service: try again in {0} s.', Math.ceil(error.retryAfterMs / 1_000))
          : vscode.l10n.t('Rate limited by the service: try again shortly.'));
      break;
    case 'validation':
      if (error.issues.length) message += ` — ${error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`;
      break;
    case 'missingKey':
      if (connection) actions.set(vscode.l10n.t('Set API key…'), () => vscode.commands.executeCommand(Commands.connectionSetApiKey, connection));
      break;
    case 'internal':
      // Never worded as a network or service problem: it is ours, and the log has the stack.
      message = vscode.l10n.t('Flowscope hit an internal error ({0}). The log has the details.', error.message);
      break;
    default:
      break;
  }
  actions.set(vscode.l10n.t('Show Log'), () => vscode.commands.executeCommand(Commands.logShow));
  const picked = await vscode.window.showErrorMessage(message, ...actions.keys());
  if (picked) await actions.get(picked)?.();
}

/** The stack worth logging: the original error's, under any wrapping. */
function stackOf(raw: unknown, error: FlowscopeError): string | undefined {
  const cause = error.cause instanceof Error ? error.cause : undefined;
  if (cause?.stack) return cause.stack;
  if (raw instanceof Error && !(raw instanceof ConnectionScopedError)) return raw.stack;
  return undefined;
}
