import type { Value } from './value.js';

/**
 * A value as a string that two values share when every sink would see them
 * alike (kinds, constants, cleaning, paths' places): a cached analysis that
 * read a global or a callee's summary still holds while its fingerprint
 * does. Iterative; containers deeper than a few levels print as `…`.
 */
export function fingerprint(v: Value | undefined): string {
  if (!v) return '-';
  let out = '';
  const stack: { x: Value | string; depth: number }[] = [{ x: v, depth: 0 }];
  while (stack.length) {
    const { x, depth } = stack.pop()!;
    if (typeof x === 'string') {
      out += x;
      continue;
    }
    if (depth > 6) {
      out += '…';
      continue;
    }
    const clean = (c: ReadonlyMap<string, string> | null): string => (c ? [...c].map(([k, b]) => `${k}:${b}`).sort().join(',') : '');
    switch (x.t) {
      case 'const':
        out += `c(${typeof x.v === 'object' && x.v !== null ? `b${x.v.s}` : String(x.v)}:${typeof x.v})`;
        break;
      case 'taint':
        out += `t(${x.trust};${x.path.map((s) => `${s.file ?? ''}@${s.span.start}-${s.span.end}:${s.note}`).join('>')};${clean(x.clean)};${x.chain?.attr ?? ''})`;
        break;
      case 'unknown':
        out += `u(${x.param ?? ''};${clean(x.clean)})`;
        break;
      case 'request':
        out += 'r';
        break;
      case 'join':
      case 'seq':
      case 'dict': {
        const parts: (Value | string)[] = [];
        if (x.t === 'join') {
          parts.push('j[');
          for (const a of x.alts) parts.push(a, ',');
        } else if (x.t === 'seq') {
          parts.push(`s${x.kind}[`);
          for (const a of x.items ?? []) parts.push(a, ',');
          parts.push(x.items ? '|' : '*|');
          if (x.elem) parts.push(x.elem);
        } else {
          parts.push(`d${x.config ? 'c' : ''}[`);
          for (const [k, a] of x.keys) parts.push(`${JSON.stringify(k)}=`, a, ',');
          parts.push('|');
          if (x.rest) parts.push(x.rest);
        }
        parts.push(']');
        for (let i = parts.length - 1; i >= 0; i--) stack.push({ x: parts[i], depth: depth + 1 });
        break;
      }
    }
  }
  return out;
}
