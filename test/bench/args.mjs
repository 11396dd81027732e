/**
 * The bench scripts' command lines, parsed once here. `opts` holds the
 * script's defaults; `options` maps each `--name` to what it sets: a
 * function of the value that follows, or of nothing for a flag (a function
 * that takes no parameter). Every script also takes `--json PATH` (where its
 * figures are written) and `--no-json`.
 */
export function benchArgs(argv, opts, options) {
  const all = { ...options, '--json': (v) => (opts.json = v), '--no-json': () => (opts.json = undefined) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const take = Object.hasOwn(all, a) ? all[a] : undefined;
    if (!take) throw new Error(`unknown option ${a}`);
    if (take.length === 0) {
      take();
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    take(v);
  }
  return opts;
}
