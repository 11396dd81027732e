import { MessageType } from 'vscode-languageserver';
import type { Session } from '../session/session.js';

/** `pysec.runBandit`'s answer: how many documents bandit ran on, and why not on the others. */
export interface RunBanditAnswer {
  ran: number;
  notRun: { uri: string; why: string }[];
}

/**
 * `pysec.runBandit`: runs bandit now on the given document (or every open
 * one) and answers when it is done. Asked explicitly, it also says (a
 * message, not only the answer: a client may drop it) what it could not
 * run and why, even when that was said once before.
 */
export async function runBanditNow(session: Session, arg: unknown): Promise<RunBanditAnswer> {
  const uri = (arg as { uri?: string } | string | undefined) ?? undefined;
  const target = typeof uri === 'string' ? uri : uri?.uri;
  const asked = target ? [target] : session.documents.all().map((d) => d.uri);
  const notRun: RunBanditAnswer['notRun'] = [];
  const uris: string[] = [];
  for (const u of asked) {
    const why = await session.bandit.whyNot(u);
    if (why) notRun.push({ uri: u, why });
    else uris.push(u);
  }
  // Queued through the pool (most urgent first), never all started at once.
  session.bandit.runNow(uris, !target);
  await Promise.all(uris.map((u) => session.bandit.settled(u)));
  if (notRun.length) {
    const reasons = [...new Set(notRun.map((n) => n.why))];
    const what = notRun.length === 1 && asked.length === 1 ? 'on this document' : `on ${notRun.length} of ${asked.length} documents`;
    session.notices.show(MessageType.Warning, `pysec: bandit did not run ${what}: ${reasons.join('; ')}.`);
  }
  return { ran: uris.length, notRun };
}
