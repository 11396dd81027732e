import { DidChangeWatchedFilesNotification } from 'vscode-languageserver';
import type { Session } from '../session/session.js';
import { CONFIG_GLOBS } from './documents.js';

/** `initialized`: watch bandit's config files, read the settings, and scan the workspace where the settings ask. */
export async function initialized(session: Session): Promise<void> {
  const { connection, settings } = session;
  // bandit's project config files: re-read them when they change, without a restart.
  if (session.client.watchFiles) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: CONFIG_GLOBS.map((globPattern) => ({ globPattern })) }).catch(() => undefined);
  }
  await settings.initialized();
  const scan = session.folders.all().some((f) => session.settingsAt(f).bandit.workspaceScan);
  // The scan's modules (the batch review) load with it (issue 19).
  if (scan) void import('../commands/scan.js').then(({ runScan }) => runScan(session)).catch((e) => session.notices.once(`scan:${String(e)}`, `pysec: the workspace scan failed: ${String(e)}`));
}
