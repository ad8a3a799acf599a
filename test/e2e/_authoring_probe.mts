// Temporary probe (deleted after use): the authoring host in a real VS Code.
import { launchVsCode, readProblems, waitFor } from './harness.ts';
const vscode = await launchVsCode({ workspace: '/tmp/authoring-ws', extensionPath: '/tmp/authoring-ext' });
try {
  await vscode.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'broken.workflow.json' }).click();
  let problems: string[] = [];
  await waitFor(async () => { problems = await readProblems(vscode.page); return problems.length >= 10; }, 40_000, 1000).catch(() => undefined);
  console.log(JSON.stringify(problems, null, 1));
  const lens = await vscode.page.locator('.codelens-decoration').allTextContents();
  console.log('codelens:', lens);
  await vscode.page.screenshot({ path: '/tmp/authoring-probe.png' });
} finally {
  await vscode.close();
}
