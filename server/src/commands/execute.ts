import type { ExecuteCommandParams } from 'vscode-languageserver';
import type { Session } from '../session/session.js';
import { runReport } from './report.js';
import { runBanditNow } from './run-bandit.js';
import { runScan } from './scan.js';

/** Our commands; other servers' commands (lsp-mode broadcasts them) are ignored. */
export const COMMANDS = { runBandit: 'pysec.runBandit', scanWorkspace: 'pysec.scanWorkspace', report: 'pysec.report' } as const;

/** `workspace/executeCommand`, with the client's work-done token where it sent one. */
export async function executeCommand(session: Session, params: ExecuteCommandParams): Promise<unknown> {
  const progress = () => (params.workDoneToken !== undefined ? session.connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined);
  switch (params.command) {
    case COMMANDS.scanWorkspace:
      return runScan(session, progress());
    case COMMANDS.report: {
      const reporter = progress();
      reporter?.begin('pysec: writing the security report');
      return runReport(session, params.arguments?.[0]).finally(() => reporter?.done());
    }
    case COMMANDS.runBandit:
      return runBanditNow(session, params.arguments?.[0]);
  }
  return null;
}
