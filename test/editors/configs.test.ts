/**
 * The editor setups, read as those editors read them: the Helix file with a
 * TOML parser (Helix itself runs it in helix.test.ts), the Sublime files
 * (Sublime Text cannot run here) as JSON with comments, their keys checked
 * against the LSP package's documented ones. Each must
 * start the package's own command, attach to Python beside the user's main
 * server, and carry settings the server accepts without a complaint.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { extractSection, parseSettings } from '../../server/src/config/parse.js';
import { REPO_ROOT } from '../lsp/client.js';
import { EDITORS_DIR } from './harness.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
const BIN = Object.keys(pkg.bin)[0];

/** Problems the server would report for these settings (wrapped, bare or dotted). */
function settingsProblems(raw: unknown): string[] {
  return parseSettings(extractSection(raw)).problems.map((p) => p.message);
}

/** Helix's language server features (`only-features`/`except-features`), as its docs list them. */
const HELIX_FEATURES = new Set([
  'format', 'goto-definition', 'goto-declaration', 'goto-type-definition', 'goto-reference', 'goto-implementation',
  'signature-help', 'hover', 'document-highlight', 'completion', 'code-action', 'workspace-command',
  'document-symbols', 'workspace-symbols', 'diagnostics', 'rename-symbol', 'inlay-hints',
]);

describe('Helix (editors/helix/languages.toml)', () => {
  const toml = parseToml(readFileSync(join(EDITORS_DIR, 'helix/languages.toml'), 'utf8')) as {
    'language-server': Record<string, { command: string; args: string[]; config?: unknown }>;
    language: { name: string; 'language-servers': (string | { name: string; 'only-features'?: string[] })[] }[];
  };

  it('defines the pysec server with the package command and settings the server accepts', () => {
    const server = toml['language-server'].pysec;
    expect(server.command).toBe(BIN);
    expect(server.args).toEqual(['--stdio']);
    expect(server.config).toBeDefined();
    expect(settingsProblems(server.config)).toEqual([]);
  });

  it('lists pysec after a main Python server, for diagnostics and code actions only', () => {
    const python = toml.language.filter((l) => l.name === 'python');
    expect(python).toHaveLength(1);
    const servers = python[0]['language-servers'];
    const names = servers.map((s) => (typeof s === 'string' ? s : s.name));
    // Helix replaces its default list: the main server must still be there, and first.
    expect(names.indexOf('pysec')).toBeGreaterThan(0);
    expect(names[0]).toMatch(/^(pyright|basedpyright|pylsp|jedi|ty)$/);
    const entry = servers.find((s) => typeof s !== 'string' && s.name === 'pysec') as { 'only-features': string[] };
    expect(entry['only-features']).toEqual(['diagnostics', 'code-action']);
    for (const f of entry['only-features']) expect(HELIX_FEATURES.has(f), f).toBe(true);
  });

  it('sends the manifests too: TOML beside its main server, requirements files and Pipfile.lock to pysec alone', () => {
    const lang = (name: string) => toml.language.find((l) => l.name === name) as { 'language-servers': (string | { name: string; 'only-features'?: string[] })[]; 'file-types'?: unknown[]; grammar?: string };
    const tomlServers = lang('toml')['language-servers'];
    expect(tomlServers[0]).toBe('taplo');
    expect(tomlServers[1]).toEqual({ name: 'pysec', 'only-features': ['diagnostics', 'code-action'] });
    expect(lang('pip-requirements')['language-servers']).toEqual(['pysec']);
    expect(lang('pip-requirements')['file-types']).toEqual(expect.arrayContaining([{ glob: 'requirements*.txt' }, { glob: 'requirements*.in' }]));
    expect(lang('pipfile-lock')).toMatchObject({ grammar: 'json', 'file-types': [{ glob: 'Pipfile.lock' }], 'language-servers': ['pysec'] });
  });

  it('the check itself rejects a bad setting (it can fail)', () => {
    expect(settingsProblems({ minConfidence: 'SOMETIMES' })).not.toEqual([]);
  });
});

/**
 * The keys of a client configuration, as the LSP package's documentation
 * lists them (sublimelsp.github.io/LSP/client_configuration/, its
 * "Setting | Description" table): written from that table, not from code,
 * so a key the package does not read (a typo) is caught here.
 */
const SUBLIME_CLIENT_KEYS = new Set([
  'enabled',
  'command',
  'env',
  'settings',
  'initializationOptions',
  'selector',
  'priority_selector',
  'diagnostics_mode',
  'tcp_port',
  'experimental_capabilities',
  'disabled_capabilities',
]);

/** A client configuration's keys the LSP package does not document. */
function unknownSublimeKeys(client: Record<string, unknown>): string[] {
  return Object.keys(client).filter((k) => !SUBLIME_CLIENT_KEYS.has(k));
}

describe('Sublime Text (editors/sublime)', () => {
  it('the key check fails on a typo and on the snake-case spelling', () => {
    expect(unknownSublimeKeys({ enabled: true, comand: ['pysec-lsp', '--stdio'], selector: 'source.python', initialization_options: {} })).toEqual(['comand', 'initialization_options']);
  });

  function read(name: string): Record<string, unknown> {
    const errors: ParseError[] = [];
    const value = parseJsonc(readFileSync(join(EDITORS_DIR, 'sublime', name), 'utf8'), errors, { allowTrailingComma: false, disallowComments: false }) as Record<string, unknown>;
    expect(errors.map((e) => `${printParseErrorCode(e.error)} at ${e.offset}`)).toEqual([]);
    return value;
  }

  function checkClient(client: Record<string, unknown>) {
    expect(client.enabled).toBe(true);
    expect(client.command).toEqual([BIN, '--stdio']);
    // Python, and the manifests pysec audits (requirements files, TOML, Pipfile.lock's JSON).
    expect(String(client.selector).split('|').map((x) => x.trim())).toEqual(['source.python', 'source.requirementstxt', 'source.toml', 'source.json']);
    expect(client.settings).toBeDefined();
    expect(settingsProblems(client.settings)).toEqual([]);
    // Sublime's LSP spells it initializationOptions (its documentation's table); the snake-case key would be ignored.
    expect(client).not.toHaveProperty('initialization_options');
    expect(unknownSublimeKeys(client)).toEqual([]);
  }

  it('LanguageServers.sublime-settings (LSP 2.10+) has the pysec configuration', () => {
    const file = read('LanguageServers.sublime-settings');
    expect(Object.keys(file)).toEqual(['pysec']);
    checkClient(file.pysec as Record<string, unknown>);
  });

  it('LSP.sublime-settings (older LSP) has it under "clients"', () => {
    const file = read('LSP.sublime-settings');
    expect(Object.keys(file)).toEqual(['clients']);
    checkClient((file.clients as Record<string, unknown>).pysec as Record<string, unknown>);
  });

  it('the parser reports broken JSON (the check can fail)', () => {
    const errors: ParseError[] = [];
    parseJsonc('{ "a": 1,, }', errors, { allowTrailingComma: false });
    expect(errors.length).toBeGreaterThan(0);
  });
});
