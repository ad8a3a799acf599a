import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchVsCode } from './harness';
import { CONNECTIONS, collapseRow, selectRow, startSandbox, treeRows, triggerFromPalette, expandRow } from './flowscope';

async function main(): Promise<void> {
  const workspace = await mkdtemp(join(tmpdir(), 'fs-explore-'));
  const vscode = await launchVsCode({ workspace });
  const errors: string[] = [];
  vscode.page.on('console', (m) => { if (/already registered/.test(m.text())) errors.push(`${Date.now()} ${m.text()}`); });
  try {
    const page = vscode.page;
    await startSandbox(vscode);
    const mode = process.argv[2] ?? 'collapsed';
    if (process.argv[3] === 'prior') {
      await selectRow(page, CONNECTIONS.powabase);
      await triggerFromPalette(vscode, CONNECTIONS.powabase, 'Research brief (linear)', { topic: 'y' });
      await page.waitForTimeout(6000);
      await collapseRow(page, CONNECTIONS.powabase);
    }
    if (mode !== 'collapsed') { await expandRow(page, CONNECTIONS.supervity); await page.waitForTimeout(1500); }
    if (mode === 'toggled') { await collapseRow(page, CONNECTIONS.supervity); await page.waitForTimeout(500); }
    await selectRow(page, CONNECTIONS.supervity);
    console.log(Date.now(), 'trigger');
    await triggerFromPalette(vscode, CONNECTIONS.supervity, '5a4d0b00-0001-4000-8000-000000000001', { topic: 'x' });
    for (let i = 0; i < 8; i++) {
      const rows = await treeRows(page);
      console.log(Date.now(), rows.map((r) => `${r.level}:${r.label.slice(0, 12)}:${r.icon}`).join(' | '));
      await page.waitForTimeout(500);
    }
    console.log(errors);
    await vscode.screenshot('explore');
  } finally {
    await vscode.close();
  }
}
void main();
