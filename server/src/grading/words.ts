import type { Finding, FlowStep } from '../findings/finding.js';

/**
 * The attack path and the grading said in plain words, the same in the
 * hover, `check`'s text output and the report: "request.form['c'] (form
 * field 'c') on line 7, then reaches exec() on line 7." Pure.
 */

const where = (s: FlowStep) => `line ${s.line + 1}${s.file !== null ? ` of ${s.file.split(/[\\/]/).pop()}` : ''}`;
/** A sentence's first word capitalised, unless it is code (`request.form['c']` stays as written). */
const capital = (s: string) => (/^[a-z]+(?: |$)/.test(s) ? s[0].toUpperCase() + s.slice(1) : s);

/** The whole path in one sentence: the source, then every step, the sink last. */
export function pathInWords(flow: readonly FlowStep[]): string {
  if (flow.length === 0) return '';
  const [source, ...rest] = flow;
  return `${capital(source.note)} on ${where(source)}${rest.map((s) => `, then ${s.note} on ${where(s)}`).join('')}.`;
}


/** A hardcoded credential's path, in one sentence: its exposure in the repository (`line` 1-based). */
export function exposureInWords(line: number): string {
  return `The secret is written in the source on line ${line}: anyone who can read the repository, or a copy of it, can use it.`;
}

/** Why the finding has its risk, as far as the path goes; null when its rule has no sink. */
export function gradingInWords(f: Pick<Finding, 'flow' | 'reach' | 'risk'>): string | null {
  if (f.flow?.length) return pathInWords(f.flow);
  switch (f.reach) {
    case 'constant':
      return 'Only constants reach this sink: no attacker controls what it runs.';
    case 'sanitised':
      return 'Only values cleaned for this kind of sink reach it.';
    case 'unknown':
      return 'What reaches this sink could not be traced (graded at most High): check where its input comes from.';
    default:
      return null;
  }
}
