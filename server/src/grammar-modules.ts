/**
 * The grammar's loader (engine/grammar.ts) with web-tree-sitter: one file
 * of the bundle (scripts/bundle.mjs, `bundle-grammar-*.cjs`), which the
 * server's bundle loads at its start, to begin compiling the grammar's wasm
 * off the main thread before `initialize` arrives, and which the session's
 * bundle shares: one web-tree-sitter and one loaded grammar in the process.
 */
export * from 'web-tree-sitter';
export * from './engine/grammar.js';
