import type { Finding, FlowStep } from '../findings/finding.js';

/**
 * The attack path and the grading said in plain words, the same in the
 * hover, `check`'s text output and the report: "request.form['c'] (form
 * field 'c') on line 7, then reaches exec() on line 7." Pure.
 */

const where = (s: FlowStep) => `line ${s.line + 1}${s.file !== null ? ` of ${s.file.split(/[\\/]/).pop()}` : ''}`;
const capital = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

/** The whole path in one sentence: the source, then every step, the sink last. */
export function pathInWords(flow: readonly FlowStep[]): string {
  if (flow.length === 0) return '';
  const [source, ...rest] = flow;
  return `${capital(source.note)} on ${where(source)}${rest.map((s) => `, then ${s.note} on ${where(s)}`).join('')}.`;
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
