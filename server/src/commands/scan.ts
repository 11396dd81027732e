import { pathToFileURL } from 'node:url';
import type { WorkDoneProgressReporter } from 'vscode-languageserver';
import { scanWorkspace, type ScanSummary } from '../batch/scan.js';
import { visibleFindings } from '../config/policy.js';
import { toDiagnostics } from '../diagnostics/convert.js';
import type { Session } from '../session/session.js';

/**
 * `pysec.scanWorkspace` (and the scan at start where `pysec.bandit.workspaceScan`
 * asks for it): every file of the workspace that is not open, published
 * file by file, with progress where the client shows it. One at a time: a
 * new scan stops the one running.
 */
export async function runScan(session: Session, attached?: WorkDoneProgressReporter): Promise<ScanSummary | null> {
  const { connection, settings, bandit, documents, client } = session;
  session.scanning?.abort();
  const controller = new AbortController();
  session.scanning = controller;
  let reporter: WorkDoneProgressReporter | undefined;
  if (attached) reporter = attached;
  else if (client.workDoneProgress) reporter = await connection.window.createWorkDoneProgress();
  reporter?.begin('pysec: scanning the workspace', 0, undefined, true);
  const roots = session.folders.all();
  try {
    const summary = await scanWorkspace(roots, {
      engine: session.engine,
      bandit: (folder) => bandit.commandFor(pathToFileURL(folder).href),
      projectConfig: (file, folder) => bandit.projectConfig(file, folder, session.settingsAt(file).bandit.configFile),
      timeoutMs: Math.max(...roots.map((r) => session.settingsAt(r).bandit.timeoutSeconds), 1) * 1000 * 20,
      isOpen: (uri) => documents.get(uri) !== undefined,
      publish: (uri, text, findings) => {
        if (!session.pulled.pushes(uri) || documents.get(uri)) return;
        const policy = settings.policyFor(uri);
        void connection.sendDiagnostics({ uri, diagnostics: toDiagnostics(visibleFindings(findings, policy), text, client.encoding, policy.mapping) });
      },
      progress: (done, total, message) => reporter?.report(total ? Math.floor((100 * done) / total) : 100, message),
      signal: controller.signal,
      slot: bandit.scanSlot,
    });
    for (const e of summary.errors.slice(0, 50)) connection.console.log(`pysec: scan: ${e.path}: ${e.message}`);
    return summary;
  } finally {
    reporter?.done();
    if (session.scanning === controller) session.scanning = undefined;
  }
}
