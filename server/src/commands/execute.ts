import type { ExecuteCommandParams } from 'vscode-languageserver';
import type { Session } from '../session/session.js';
import { COMMANDS } from './names.js';
import { runBanditNow } from './run-bandit.js';

export { COMMANDS };

/**
 * `workspace/executeCommand`, with the client's work-done token where it
 * sent one. The scan and the report (the batch review, the report's model
 * and the dependency audit under it) load with their first run, not with
 * the server (issue 19).
 */
export async function executeCommand(session: Session, params: ExecuteCommandParams): Promise<unknown> {
  const progress = () => (params.workDoneToken !== undefined ? session.connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined);
  switch (params.command) {
    case COMMANDS.scanWorkspace:
      return (await import('./scan.js')).runScan(session, progress());
    case COMMANDS.report: {
      const reporter = progress();
      reporter?.begin('pysec: writing the security report');
      const { runReport } = await import('./report.js').catch((e: unknown) => {
        reporter?.done();
        throw e;
      });
      return runReport(session, params.arguments?.[0]).finally(() => reporter?.done());
    }
    case COMMANDS.runBandit:
      return runBanditNow(session, params.arguments?.[0]);
  }
  return null;
}
