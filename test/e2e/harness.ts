/**
 * End-to-end harness: a real VS Code (code-server 4.100.3, the VS Code 1.100.3 workbench
 * with a real Node extension host; or the newest code-server, see codeServer.ts) driven by
 * Debian's Chromium through playwright-core.
 *
 *   const vscode = await launchVsCode({ workspace: '/some/folder' });
 *   try {
 *     await vscode.runCommand('Flowscope: Refresh');
 *     ...
 *   } catch (err) {
 *     await vscode.collectFailureArtifacts('my-test');
 *     throw err;
 *   } finally {
 *     await vscode.close();
 *   }
 *
 * or, equivalently, `await withVsCode(options, 'my-test', async (vscode) => { ... })`.
 *
 * code-server is installed (once, cached) by scripts/setup-vscode.sh, which this module
 * runs on first use. Environment knobs:
 *   FLOWSCOPE_CACHE          cache root used by setup-vscode.sh
 *   FLOWSCOPE_E2E_HEADED=1   show the browser (needs a display)
 *   FLOWSCOPE_E2E_KEEP=1     keep the temporary folders (user data, logs) after close()
 *   FLOWSCOPE_CODE_SERVER_VERSION  4.100.3 (default) or `latest` (codeServer.ts)
 *
 * close() fails (so the test that opened the window fails) when Flowscope left an error in
 * the extension host log: an uncaught error or rejection, a failed activation.
 *
 * The implementation is split by concern under ./workbench/ (paths, the code-server process,
 * the launch, the UI helpers); this module re-exports all of it, so tests import from here.
 */
export { REPO_ROOT, RESULTS_DIR } from './workbench/paths';
export { ensureCodeServer, findChromium, freePort, serverEnv, startCodeServer, workbenchUrl } from './workbench/server';
export type { CodeServerProcess } from './workbench/server';
export { launchVsCode, runExtensionTests, withArtifacts, withVsCode } from './workbench/launch';
export type { LaunchOptions, VsCode } from './workbench/launch';
export { quickInput, readProblems, runCommand, treeItems, waitFor, webviewFrame } from './workbench/ui';
export type { QuickInput } from './workbench/ui';
export { describeNotifications, describeWorkbench, notificationCenter, notifications, toasts } from './workbench/notifications';
export type { ListedNotification } from './workbench/notifications';
export { contextMenu, describeMenu } from './workbench/menus';
export type { ContextMenu, MenuItem } from './workbench/menus';
