/**
 * The layers of server/src (docs/architecture.md): each layer's "may not
 * know" line as a table, checked against the imports every module of
 * server/src actually has. A new import against the layers fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../server/src');

/** The LSP itself (protocol, connection); `vscode-languageserver-textdocument` is only a text buffer. */
const LSP = /^vscode-languageserver(?:\/|$)/;
/** The file system. */
const FS = /^(?:node:)?fs(?:\/promises)?$/;

/** A module of server/src (`engine/analyzer.ts`, `server.ts`) or a package. */
type Target = string | RegExp;

/** Everything above the engine: what it is used by, never what it uses. */
const ABOVE_ENGINE = ['audit/', 'manifests/', 'advisories/', 'documents/', 'diagnostics/', 'suppress/', 'fixes/', 'hover/', 'check/', 'report/', 'bandit/', 'workspace/', 'config/', 'transport/', 'actions/', 'session/', 'handlers/', 'commands/', 'batch/', 'files/', 'command-line/', 'cache/', 'server.ts', 'cli.ts'];

/** Each layer (a folder of server/src, with its slash) and what it may not import, as docs/architecture.md says. */
const LAYERS: Record<string, { mayNotImport: Target[]; why: string }> = {
  // Before engine/: the first layer a module's path starts with is its layer.
  'engine/flow/': {
    mayNotImport: [LSP, FS, 'engine/checks/', 'engine/analyzer.ts', 'engine/incremental.ts', 'engine/ruleset.ts', 'engine/rule.ts', 'engine/engine.ts', ...ABOVE_ENGINE],
    why: 'the flow layer knows tree-sitter nodes and the FileContext, no rule, no LSP, no file system (other files come through ProjectIndex)',
  },
  'engine/': { mayNotImport: [LSP, ...ABOVE_ENGINE], why: 'the as-you-type engine knows no LSP and nothing of the layers that use it' },
  'findings/': { mayNotImport: [LSP, 'engine/', ...ABOVE_ENGINE], why: 'the one Finding type knows no engine' },
  'config/': { mayNotImport: [LSP, FS, 'documents/', 'workspace/', 'server.ts'], why: 'the settings are pure: no LSP, no file system' },
  'bandit/': { mayNotImport: [LSP, 'documents/', 'batch/', 'check/', 'report/', 'workspace/', 'session/', 'handlers/', 'commands/', 'server.ts'], why: 'the real bandit knows no LSP (the server hands it a host, and its documents as `BanditDocument`s) and is used by check/, not using it' },
  'suppress/': { mayNotImport: [LSP, 'engine/checks/', 'config/', 'documents/', 'fixes/', 'check/', 'report/', 'workspace/', 'server.ts'], why: 'reading and applying suppressions may not know how a rule decides, nor the documents and settings' },
  'fixes/': { mayNotImport: [LSP, 'engine/checks/', 'documents/', 'check/', 'report/', 'workspace/', 'server.ts'], why: 'quick fixes are pure: a finding and the tree in, edits out' },
  'diagnostics/': { mayNotImport: ['engine/', 'check/', 'report/', 'bandit/', 'workspace/', 'server.ts'], why: 'pure mappings from findings to diagnostics' },
  'hover/': { mayNotImport: ['engine/', 'check/', 'report/', 'bandit/', 'workspace/', 'server.ts'], why: 'the explanation of a finding is pure' },
  'transport/': { mayNotImport: [...ABOVE_ENGINE.filter((l) => l !== 'transport/'), 'engine/', 'findings/'], why: 'stdio framing knows no method beyond the lifecycle' },
  'check/': { mayNotImport: [LSP, 'workspace/', 'server.ts'], why: 'the CLI and the batch engine know no LSP' },
  'report/': { mayNotImport: [LSP, 'server.ts'], why: 'the report is built without the server' },
  'grading/': { mayNotImport: [LSP, FS, ...ABOVE_ENGINE], why: 'grading by attack path is pure over findings and trees: used where the engines meet, knowing none of them' },
  'files/': { mayNotImport: [LSP, 'engine/', 'findings/', ...ABOVE_ENGINE.filter((l) => l !== 'files/')], why: 'walking, reading and decoding files knows nothing of the server' },
  'batch/': { mayNotImport: [LSP, 'check/', 'report/', 'workspace/', 'session/', 'handlers/', 'commands/', 'actions/', 'command-line/', 'server.ts'], why: 'the batch review (both engines over files) is used by check/, report/ and the scan, never using them, and knows no LSP' },
  'cache/': { mayNotImport: [LSP, 'engine/checks/', 'engine/analyzer.ts', 'engine/engine.ts', 'batch/', 'check/', 'report/', 'workspace/', 'session/', 'handlers/', 'commands/', 'command-line/', 'server.ts'], why: 'the result cache stores and keys results: it knows files and hashes, not how a result is made, nor who asks' },
  'audit/': {
    mayNotImport: [LSP, 'engine/', ...ABOVE_ENGINE.filter((l) => l !== 'audit/' && l !== 'files/' && l !== 'suppress/')],
    why: 'the dependency audit reads manifests, lock files and the advisory database (files/), and suppression comments (suppress/): no LSP, no Python engine; check/, report/ and the editor use it',
  },
  'command-line/': { mayNotImport: [LSP, 'engine/', 'session/', 'handlers/', 'commands/', 'server.ts'], why: 'option parsing loads nothing a command does not need' },
  'positions/': { mayNotImport: ['engine/', 'findings/', ...ABOVE_ENGINE], why: 'offsets, lines and encodings: a leaf that imports nothing of the server' },
  'actions/': { mayNotImport: ['session/', 'handlers/', 'commands/', 'workspace/', 'check/', 'report/', 'bandit/', 'server.ts'], why: 'the LSP side of suppression and fixes takes one document\'s context, never the session or the connection' },
  'manifests/': { mayNotImport: ['engine/', 'bandit/', 'batch/', 'check/', 'report/', 'workspace/', 'session/', 'handlers/', 'commands/', 'server.ts'], why: 'the editor side of the dependency audit takes a document, the settings and the audit: never the Python engine, the session or the connection' },
  'advisories/': { mayNotImport: [LSP, 'engine/', 'documents/', 'session/', 'handlers/', 'commands/', 'manifests/', 'check/', 'report/', 'server.ts'], why: 'the update command downloads a database: nothing of the server or the engines' },
  'session/': { mayNotImport: ['handlers/', 'commands/', 'server.ts'], why: 'the server\'s state knows no LSP method' },
  'handlers/': { mayNotImport: ['engine/', 'suppress/', 'fixes/', 'config/', 'server.ts'], why: 'a handler hands documents to actions/, hover/, diagnostics/: it knows no rule and no comment' },
  'commands/': { mayNotImport: ['engine/', 'suppress/', 'fixes/', 'actions/', 'handlers/', 'server.ts'], why: 'a command calls what bandit/ and report/ offer with hosts built from the session' },
};

/**
 * Imports against the layers that are known and tolerated, as
 * `importer → imported` (issue 18 emptied it: suppress/ is pure, bandit/
 * borrows nothing of check/). An entry that no longer holds fails the test.
 */
const KNOWN: readonly string[] = [];

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (e.name.endsWith('.ts')) out.push(relative(SRC, p).split('\\').join('/'));
  }
  return out;
}

/** A module's imports: relative ones as modules of server/src (`engine/rule.ts`), packages as named. Type-only imports count too. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]);
  return specs.map((s) => (s.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), s)).replace(/\.js$/, '.ts') : s));
}

function layerOf(file: string): string | undefined {
  return Object.keys(LAYERS).find((l) => file.startsWith(l));
}

function hits(target: Target, imported: string): boolean {
  return typeof target === 'string' ? (target.endsWith('/') ? imported.startsWith(target) : imported === target) : target.test(imported);
}

/** Every import against the table, as `importer → imported`. */
function violations(): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const layer = layerOf(file);
    if (!layer) continue;
    for (const imported of importsOf(file)) {
      // A layer's own modules are its own business (engine/checks/ inside engine/).
      if (typeof imported === 'string' && imported.startsWith(layer)) continue;
      if (LAYERS[layer].mayNotImport.some((t) => hits(t, imported))) out.push(`${file} → ${imported}`);
    }
  }
  return [...new Set(out)].sort();
}

describe('layers', () => {
  it('reads the imports of every module', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    // The reader sees a relative import, a type-only one and a package.
    expect(importsOf('engine/analyzer.ts')).toContain('engine/rule.ts');
    expect(importsOf('engine/analyzer.ts')).toContain('web-tree-sitter');
    expect(importsOf('server.ts')).toContain('vscode-languageserver');
    // And the table catches an import against it.
    expect(LAYERS['engine/'].mayNotImport.some((t) => hits(t, 'documents/document.ts'))).toBe(true);
    expect(LAYERS['config/'].mayNotImport.some((t) => hits(t, 'node:fs'))).toBe(true);
    expect(LAYERS['engine/'].mayNotImport.some((t) => hits(t, 'vscode-languageserver'))).toBe(true);
  });

  it('has no import against the layers beyond the known ones being removed', () => {
    const found = violations();
    expect(found.filter((v) => !KNOWN.includes(v))).toEqual([]);
  });

  it('lists no known violation that is gone (the list only shrinks)', () => {
    const found = violations();
    expect(KNOWN.filter((v) => !found.includes(v))).toEqual([]);
  });
});
