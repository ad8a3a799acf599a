import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchVsCode, treeItems, waitFor } from './harness';

async function main(): Promise<void> {
  const workspace = await mkdtemp(join(tmpdir(), 'fs-explore-'));
  const vscode = await launchVsCode({ workspace });
  try {
    const page = vscode.page;
    const acts = await page.locator('.part.activitybar .action-item a').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    console.log('activity', acts);
    await page.locator('.part.activitybar .action-item a[aria-label^="Flowscope"]').first().click();
    await page.waitForTimeout(3000);
    console.log(await page.locator('.part.sidebar').innerHTML().then((h) => h.length));
    const welcome = await page.locator('.part.sidebar .welcome-view-content').innerText().catch((e) => String(e));
    console.log('welcome:', welcome);
    const buttons = await page.locator('.part.sidebar .welcome-view-content .monaco-button').evaluateAll((els) => els.map((e) => e.outerHTML));
    console.log(buttons);
    await page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: 'Start Sandbox' }).click();
    await waitFor(async () => (await treeItems(page, 'Workflows & Runs')).length >= 3, 60000);
    console.log(await treeItems(page, 'Workflows & Runs'));
    for (const c of ['Sandbox · White Rabbit', 'Sandbox · Powabase', 'Sandbox · Supervity Auto']) {
      await page.locator('.part.sidebar .monaco-list-row', { hasText: c }).first().click();
      await page.waitForTimeout(2500);
    }
    const rows = page.locator('.part.sidebar .monaco-list-row');
    for (const r of await rows.all()) console.log(await r.getAttribute('aria-label'), '|', await r.getAttribute('aria-level'), '|', await r.locator('.custom-view-tree-node-item-icon').getAttribute('class').catch(() => ''));
    await vscode.screenshot('explore');
    console.log(vscode.logsDir);
  } finally {
    await vscode.close();
  }
}
void main();
