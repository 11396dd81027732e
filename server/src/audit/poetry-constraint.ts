import { releaseOf } from './versions.js';

/**
 * Poetry's version constraints as PEP 440 specifiers: `^1.2.3` is
 * `>=1.2.3,<2.0.0` (the first non-zero part may not grow), `~1.2.3` is
 * `>=1.2.3,<1.3.0`, `*` any, a bare `1.2.3` exactly that; comma-joined
 * parts each so; `||` (either) has no PEP 440 form: null.
 */
export function poetryToPep440(constraint: string): string | null {
  const c = constraint.trim();
  if (c.includes('||') || c.includes('|')) return null;
  if (c === '' || c === '*') return '';
  const parts: string[] = [];
  for (const raw of c.split(',')) {
    const p = raw.trim();
    if (!p || p === '*') continue;
    const one = part(p);
    if (one === null) return null;
    parts.push(one);
  }
  return parts.join(',');
}

function part(p: string): string | null {
  if (p.startsWith('^')) {
    const v = p.slice(1).trim();
    const rel = releaseOf(v);
    if (!rel) return null;
    const firstNonZero = rel.findIndex((x) => x !== 0);
    // ^0.0 → <0.1 ; ^0 → <1 ; ^0.0.3 → <0.0.4 ; ^1.2 → <2.0
    const bump = firstNonZero < 0 ? Math.max(0, rel.length - 1) : firstNonZero;
    return `>=${v},<${upper(rel, bump)}`;
  }
  if (p.startsWith('~') && !p.startsWith('~=')) {
    const v = p.slice(1).trim();
    const rel = releaseOf(v);
    if (!rel) return null;
    // ~1 → <2 ; ~1.2 and ~1.2.3 → <1.3
    return `>=${v},<${upper(rel, rel.length === 1 ? 0 : 1)}`;
  }
  const first = p[0];
  if (first === '<' || first === '>' || first === '=' || first === '!' || first === '~') return p;
  // A bare version is an exact one (`1.2.*` a wildcard one).
  return `==${p}`;
}

/** The release with part `at` bumped and the ones after it dropped to 0. */
function upper(rel: readonly number[], at: number): string {
  const out = rel.slice(0, at + 1).map((x, i) => (i === at ? x + 1 : x));
  while (out.length < Math.max(2, Math.min(rel.length, 3))) out.push(0);
  return out.join('.');
}
