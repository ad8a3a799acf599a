// The manifest and the code agree: every command is registered and contributed, menus name real
// commands, every %placeholder% has a string, and connection settings cannot come from a workspace.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Commands } from '../../src/extension/commandIds';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    keybindings?: Array<{ command: string }>;
    configuration: { properties: Record<string, { scope?: string }> } | Array<{ properties: Record<string, { scope?: string }> }>;
    viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
    views: Record<string, Array<{ id: string }>>;
    viewsWelcome: Array<{ view: string; contents: string }>;
    walkthroughs: Array<{ id: string; steps: Array<{ media: { markdown?: string }; completionEvents?: string[] }> }>;
  };
  capabilities?: { untrustedWorkspaces?: { supported: unknown; restrictedConfigurations?: string[] } };
};
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const ours: ReadonlySet<string> = new Set<string>(Object.values(Commands));
const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
const extensionText = sources(join(root, 'src', 'extension'))
  .map((p) => readFileSync(p, 'utf8'))
  .join('\n');

describe('package.json ↔ code', () => {
  it('contributes every command of the table, with category and a localized title', () => {
    for (const id of ours) {
      const entry = pkg.contributes.commands.find((c) => c.command === id);
      assert.ok(entry, `${id} is contributed`);
      assert.equal(entry.category, 'Flowscope');
      assert.match(entry.title, /^%.+%$/);
      assert.ok(nls[entry.title.slice(1, -1)], `${id} has a title in package.nls.json`);
    }
  });

  it('every contributed command is in the table (one table of command ids)', () => {
    for (const id of contributed) assert.ok(ours.has(id), `${id} is contributed but missing from Commands (commandIds.ts)`);
  });

  it('registers every id of the table through the one wrapper, and nothing registers around it', () => {
    const registered = new Set<string>([...extensionText.matchAll(/registerCommand\(\s*Commands\.(\w+)/g)].map((m) => Commands[m[1] as keyof typeof Commands]));
    for (const id of ours) assert.ok(registered.has(id), `${id} is registered`);
    // The wrapper (commands/register.ts) is the only caller of VS Code's own registerCommand.
    const bare = sources(join(root, 'src', 'extension')).filter((p) => !p.endsWith(join('commands', 'register.ts')) && /vscode\.commands\.registerCommand\(/.test(readFileSync(p, 'utf8')));
    assert.deepEqual(bare, []);
  });

  it('menus and keybindings name contributed commands; the trigger has a keybinding', () => {
    // Every entry is checked, not only the ids of the Commands object: a typo in a menu must fail here
    // (a contributed command is registered in code: the previous test checks that).
    const named = [
      ...Object.entries(pkg.contributes.menus).flatMap(([menu, entries]) => entries.map((e) => ({ where: menu, command: e.command }))),
      ...(pkg.contributes.keybindings ?? []).map((k) => ({ where: 'keybindings', command: k.command })),
    ];
    assert.ok(named.length > 0, 'the manifest has menus');
    for (const { where, command } of named) {
      assert.ok(contributed.has(command), `${where}: ${command} is not contributed`);
    }
    assert.ok(pkg.contributes.keybindings?.some((k) => k.command === Commands.runTrigger));
  });

  it('every %placeholder% of the manifest has a string', () => {
    const text = readFileSync(join(root, 'package.json'), 'utf8');
    for (const m of text.matchAll(/"%([^%"]+)%"/g)) assert.ok(nls[m[1] as string], `missing nls key ${m[1]}`);
  });

  it('keeps connections application-scoped and restricted in untrusted workspaces', () => {
    const sections = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
    const props = Object.assign({}, ...sections.map((s) => s.properties)) as Record<string, { scope?: string }>;
    assert.equal(props['flowscope.connections']?.scope, 'application');
    const untrusted = pkg.capabilities?.untrustedWorkspaces;
    assert.equal(untrusted?.supported, 'limited');
    assert.ok(untrusted?.restrictedConfigurations?.includes('flowscope.connections'));
  });

  it('has the view, its welcome, its icon and a walkthrough whose media exist', () => {
    const container = pkg.contributes.viewsContainers.activitybar.find((c) => c.id === 'flowscope');
    assert.ok(container && existsSync(join(root, container.icon)));
    assert.ok(pkg.contributes.views.flowscope?.some((v) => v.id === 'flowscope.explorer'));
    const welcome = pkg.contributes.viewsWelcome.find((w) => w.view === 'flowscope.explorer');
    assert.ok(welcome);
    const contents = nls[welcome.contents.slice(1, -1)] ?? welcome.contents;
    assert.match(contents, /command:flowscope\.sandbox\.start/);
    assert.match(contents, /command:flowscope\.connection\.add/);
    const walkthrough = pkg.contributes.walkthroughs.find((w) => w.id === 'flowscope.gettingStarted');
    assert.ok(walkthrough && walkthrough.steps.length >= 4);
    for (const step of walkthrough.steps) {
      if (step.media.markdown) assert.ok(existsSync(join(root, step.media.markdown)), step.media.markdown);
      assert.ok(step.completionEvents?.length);
    }
  });
});
