import { pathToFileURL } from 'node:url';
import { MessageType, ShowDocumentRequest } from 'vscode-languageserver';
import { reportFormatArg, writeWorkspaceReport, type WorkspaceReport } from '../report/workspace.js';
import type { Session } from '../session/session.js';

/**
 * `pysec.report`: writes the workspace report, then opens it (showDocument)
 * or says where it is (a notification, never a request).
 */
export async function runReport(session: Session, arg: unknown): Promise<(WorkspaceReport & { uri: string }) | null> {
  const { connection, notices, bandit, folders } = session;
  const format = reportFormatArg(arg);
  if (typeof format === 'object') {
    notices.show(MessageType.Error, format.error);
    return null;
  }
  const roots = folders.all();
  if (!roots.length) {
    notices.show(MessageType.Warning, 'pysec: no workspace folder to report on.');
    return null;
  }
  try {
    const written = await writeWorkspaceReport(
      {
        engine: session.engine,
        folders: roots,
        bandit: async (folder) => {
          const uri = pathToFileURL(folder).href;
          if (!session.settings.settingsFor(uri).bandit.enabled) return { reason: 'disabled in the settings (pysec.bandit.enabled)' };
          return (await bandit.commandFor(uri)) ?? { reason: 'bandit was not found or would not start (see the server log)' };
        },
        projectConfig: (file) => bandit.projectConfig(file, folders.folderFor(pathToFileURL(file).href), session.settingsAt(file).bandit.configFile),
        excluded: (file) => session.settings.policyFor(pathToFileURL(file).href).excluded,
        placeholder: session.settingsAt(roots[0]).suppress.placeholder,
        warn: (message) => connection.console.warn(`pysec: report: ${message}`),
      },
      format,
    );
    if (!written) return null;
    const uri = pathToFileURL(written.path).href;
    if (session.client.showDocument) void connection.sendRequest(ShowDocumentRequest.type, { uri, external: format === 'html', takeFocus: true }).catch(() => undefined);
    else notices.show(MessageType.Info, `pysec: wrote the security report (${written.findings} findings) to ${written.path}`);
    return { ...written, uri };
  } catch (e) {
    notices.show(MessageType.Error, `pysec: the report failed: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}
