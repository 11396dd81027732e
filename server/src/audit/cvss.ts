// A CommonJS package: its exports come through the default import under Node's ESM.
import cvssCalculator from 'ae-cvss-calculator';
import type { Risk } from '../findings/finding.js';

/** A CVSS vector (v2, v3.0, v3.1 or v4.0) and its base score, from `ae-cvss-calculator`. */
export interface Cvss {
  vector: string;
  score: number;
}

/** The score of one vector, or null when the library does not read it. */
export function scoreOf(vector: string): number | null {
  try {
    const v = cvssCalculator.fromVector(vector.trim());
    const s = v?.calculateScores?.() as { overall?: unknown; base?: unknown } | undefined;
    const score = typeof s?.base === 'number' ? s.base : typeof s?.overall === 'number' ? s.overall : null;
    return score !== null && Number.isFinite(score) ? score : null;
  } catch {
    return null;
  }
}

/** The highest-scoring vector of an advisory's `severity` list, or null when none parses. */
export function cvssOf(vectors: readonly string[]): Cvss | null {
  let best: Cvss | null = null;
  for (const vector of vectors) {
    const score = scoreOf(vector);
    if (score !== null && (!best || score > best.score)) best = { vector: vector.trim(), score };
  }
  return best;
}

/** REVIEW-CHECKLIST's table: 9.0+ Critical, 7.0+ High, 4.0+ Medium, else Low. */
export function riskOfScore(score: number): Risk {
  return score >= 9 ? 'Critical' : score >= 7 ? 'High' : score >= 4 ? 'Medium' : 'Low';
}
