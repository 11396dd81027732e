/**
 * Our commands (`workspace/executeCommand`, commands/execute.ts); other
 * servers' commands (lsp-mode broadcasts them) are ignored. A module of its
 * own: the `initialize` answer lists them before the commands' modules are
 * loaded (issue 19).
 */
export const COMMANDS = { runBandit: 'pysec.runBandit', scanWorkspace: 'pysec.scanWorkspace', report: 'pysec.report' } as const;
