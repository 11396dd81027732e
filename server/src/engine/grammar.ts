import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

/**
 * Loads web-tree-sitter and the Python grammar once per process. The grammar
 * is the `tree-sitter-python.wasm` shipped inside the tree-sitter-python npm
 * package: nothing is built or downloaded.
 */
let loading: Promise<Language> | undefined;

export function pythonWasmPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('tree-sitter-python/tree-sitter-python.wasm');
}

export function loadPython(): Promise<Language> {
  loading ??= (async () => {
    await Parser.init();
    return Language.load(pythonWasmPath());
  })();
  return loading;
}

export async function createParser(): Promise<Parser> {
  const language = await loadPython();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
