/**
 * The e2e harness's reading of the extension host log (test/e2e/codeServer.ts): which entries
 * count as Flowscope's errors. The log text is an excerpt of a real remoteexthost.log written by
 * code-server 4.139.1 with a Flowscope build that still read `navigator` (issue 16), plus
 * entries of the kinds that must not count.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowscopeErrors, flowscopeMarkers } from '../e2e/codeServer';

const EXT = '/tmp/flowscope-e2e-18bOCn/extensions';

const LOG = [
  '2026-12-01 21:01:30.101 [info] Extension host with pid 4242 started',
  '2026-12-01 21:01:31.200 [error] Error: getaddrinfo ENOTFOUND marketplace.visualstudio.com',
  '    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26)',
  '2026-12-01 21:01:35.700 [info] ExtensionService#_doActivateExtension flowscope.flowscope, startup: false',
  '2026-12-01 21:01:35.738 [error] PendingMigrationError: navigator is now a global in nodejs, please see https://aka.ms/vscode-extensions/navigator for additional info on this error.',
  '    at get (file:///root/.cache/flowscope/code-server-4.139.1/node_modules/code-server/lib/vscode/out/vs/workbench/api/node/extensionHostProcess.js:473:7297)',
  `    at ${EXT}/flowscope.flowscope-0.1.0/dist/extension.js:139:29225`,
  '2026-12-01 21:01:36.000 [warning] flowscope.flowscope: a warning is not an error',
  '2026-12-01 21:01:37.000 [error] Activating extension other.ext failed due to an error:',
  '    at /tmp/other/extension.js:1:1',
  '',
].join('\n');

test('only error entries that name Flowscope or its folders count, each with its stack', () => {
  assert.deepEqual(flowscopeErrors(LOG, flowscopeMarkers([EXT])), [
    [
      '2026-12-01 21:01:35.738 [error] PendingMigrationError: navigator is now a global in nodejs, please see https://aka.ms/vscode-extensions/navigator for additional info on this error.',
      '    at get (file:///root/.cache/flowscope/code-server-4.139.1/node_modules/code-server/lib/vscode/out/vs/workbench/api/node/extensionHostProcess.js:473:7297)',
      `    at ${EXT}/flowscope.flowscope-0.1.0/dist/extension.js:139:29225`,
    ].join('\n'),
  ]);
});

test('an error naming the extension id counts even without a stack into its folder', () => {
  const log = '2026-12-01 21:02:00.000 [error] Activating extension flowscope.flowscope failed due to an error:\n';
  assert.deepEqual(flowscopeErrors(log, flowscopeMarkers(['/nowhere'])), [
    '2026-12-01 21:02:00.000 [error] Activating extension flowscope.flowscope failed due to an error:',
  ]);
});

test('errors that name neither the extension id nor a given folder do not count', () => {
  assert.deepEqual(flowscopeErrors(LOG, flowscopeMarkers(['/elsewhere']).slice(1)), []);
});
