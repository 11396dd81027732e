import { Bytes, type Const } from './value.js';

/**
 * Constant folding on Python values, pure: what `"ls" + " -l"`, `3 * 4`,
 * `"a" in "abc"`, `s[1:3]`, `"%s!" % x`, `"{}".format(x)` give. Undefined
 * when Python would give something we do not compute (or raise): the
 * caller then knows only that the result is some constant. Results are
 * capped in size (a constant `"a" * 10**9` is not built).
 */

const MAX_STRING = 100_000;

const isNum = (c: Const): c is number | boolean => typeof c === 'number' || typeof c === 'boolean';
const num = (c: number | boolean): number => (typeof c === 'boolean' ? (c ? 1 : 0) : c);

/** Python's `str()` of a constant (`repr` for the pieces `%r`/`!r` ask). */
export function pyStr(c: Const, repr = false): string | undefined {
  if (c === undefined) return undefined;
  if (c === null) return 'None';
  if (typeof c === 'boolean') return c ? 'True' : 'False';
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : String(c);
  if (c instanceof Bytes) return `b'${c.s}'`;
  return repr ? `'${c.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : c;
}

export function binary(op: string, a: Const, b: Const): Const {
  if (a === undefined || b === undefined) return undefined;
  if (isNum(a) && isNum(b)) {
    const x = num(a);
    const y = num(b);
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return y === 0 ? undefined : x / y;
      case '//':
        return y === 0 ? undefined : Math.floor(x / y);
      case '%':
        return y === 0 ? undefined : ((x % y) + y) % y;
      case '**':
        return Math.abs(y) > 64 ? undefined : x ** y;
      case '<<':
        return y > 30 ? undefined : x << y;
      case '>>':
        return x >> y;
      case '&':
        return x & y;
      case '|':
        return x | y;
      case '^':
        return x ^ y;
    }
    return undefined;
  }
  if (typeof a === 'string' && typeof b === 'string' && op === '+') return a.length + b.length > MAX_STRING ? undefined : a + b;
  if (a instanceof Bytes && b instanceof Bytes && op === '+') return a.s.length + b.s.length > MAX_STRING ? undefined : new Bytes(a.s + b.s);
  if (op === '*' && typeof a === 'string' && isNum(b)) return a.length * num(b) > MAX_STRING ? undefined : a.repeat(Math.max(0, num(b)));
  if (op === '*' && isNum(a) && typeof b === 'string') return binary('*', b, a);
  return undefined;
}

export function unary(op: string, a: Const): Const {
  if (!isNum(a)) return undefined;
  if (op === '-') return -num(a);
  if (op === '+') return num(a);
  if (op === '~') return ~num(a);
  return undefined;
}

function eq(a: Const, b: Const): boolean | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a instanceof Bytes || b instanceof Bytes) return a instanceof Bytes && b instanceof Bytes ? a.s === b.s : false;
  if (isNum(a) && isNum(b)) return num(a) === num(b);
  return a === b;
}

/** One comparison of a chain: `a op b`; `in` on strings only (containers are the interpreter's). */
export function compare(op: string, a: Const, b: Const): boolean | undefined {
  switch (op) {
    case '==':
      return eq(a, b);
    case '!=': {
      const e = eq(a, b);
      return e === undefined ? undefined : !e;
    }
    case 'is':
      return a === null || b === null ? (a === undefined || b === undefined ? undefined : a === b) : eq(a, b);
    case 'is not': {
      const e = compare('is', a, b);
      return e === undefined ? undefined : !e;
    }
    case 'in':
    case 'not in': {
      if (typeof a !== 'string' || typeof b !== 'string') return undefined;
      return op === 'in' ? b.includes(a) : !b.includes(a);
    }
  }
  if (a === undefined || b === undefined) return undefined;
  if (isNum(a) && isNum(b)) {
    const x = num(a);
    const y = num(b);
    return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : op === '>=' ? x >= y : undefined;
  }
  if (typeof a === 'string' && typeof b === 'string') return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : op === '>=' ? a >= b : undefined;
  return undefined;
}

/** `s[start:stop:step]` on a string, Python's bounds. */
export function slice(s: string, start: number | null, stop: number | null, step: number | null): string | undefined {
  const n = s.length;
  const st = step ?? 1;
  if (st === 0) return undefined;
  const norm = (i: number | null, dflt: number): number => {
    if (i === null) return dflt;
    if (i < 0) return Math.max(i + n, st > 0 ? 0 : -1);
    return Math.min(i, st > 0 ? n : n - 1);
  };
  const a = norm(start, st > 0 ? 0 : n - 1);
  const b = norm(stop, st > 0 ? n : -1);
  let out = '';
  if (st > 0) for (let i = a; i < b; i += st) out += s[i];
  else for (let i = a; i > b; i += st) out += s[i];
  return out;
}

/** `fmt % args` for `%s`, `%d`, `%r`, `%%` (what configuration strings and commands use). */
export function percent(fmt: string, args: readonly Const[]): string | undefined {
  let i = 0;
  let bad = false;
  const out = fmt.replace(/%([sdri%])/g, (_m, c: string) => {
    if (c === '%') return '%';
    if (i >= args.length) {
      bad = true;
      return '';
    }
    const a = args[i++];
    const s = c === 'd' || c === 'i' ? (isNum(a) ? String(Math.trunc(num(a))) : undefined) : pyStr(a, c === 'r');
    if (s === undefined) bad = true;
    return s ?? '';
  });
  return bad || i !== args.length || /%[^sdri%]/.test(fmt) ? undefined : out;
}

/** `fmt.format(*args, **kwargs)` for `{}`, `{0}`, `{name}`, `{{`/`}}` (no format specs). */
export function format(fmt: string, args: readonly Const[], kwargs: ReadonlyMap<string, Const>): string | undefined {
  if (/\{[^{}]*[:!.[][^{}]*\}/.test(fmt.replace(/\{\{|\}\}/g, ''))) return undefined;
  let auto = 0;
  let bad = false;
  const out = fmt.replace(/\{\{|\}\}|\{([A-Za-z_0-9]*)\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const f = field ?? '';
    const a = f === '' ? args[auto++] : /^\d+$/.test(f) ? args[Number(f)] : kwargs.get(f);
    const s = pyStr(a);
    if (s === undefined) bad = true;
    return s ?? '';
  });
  return bad ? undefined : out;
}

/** A str method on a constant string with constant arguments (the common pure ones). */
export function strMethod(s: string, method: string, args: readonly Const[]): Const {
  const a0 = args[0];
  switch (method) {
    case 'lower':
    case 'casefold':
      return s.toLowerCase();
    case 'upper':
      return s.toUpperCase();
    case 'strip':
      return a0 === undefined || a0 === null ? s.trim() : typeof a0 === 'string' ? stripChars(s, a0, true, true) : undefined;
    case 'lstrip':
      return a0 === undefined || a0 === null ? s.replace(/^\s+/, '') : typeof a0 === 'string' ? stripChars(s, a0, true, false) : undefined;
    case 'rstrip':
      return a0 === undefined || a0 === null ? s.replace(/\s+$/, '') : typeof a0 === 'string' ? stripChars(s, a0, false, true) : undefined;
    case 'replace':
      return typeof a0 === 'string' && typeof args[1] === 'string' && args.length === 2 && a0 !== '' ? s.split(a0).join(args[1]) : undefined;
    case 'startswith':
      return typeof a0 === 'string' ? s.startsWith(a0) : undefined;
    case 'endswith':
      return typeof a0 === 'string' ? s.endsWith(a0) : undefined;
    case 'isdigit':
    case 'isdecimal':
    case 'isnumeric':
      return s.length > 0 && /^[0-9]+$/.test(s);
    case 'isalnum':
      return s.length > 0 && /^[A-Za-z0-9]+$/.test(s);
    case 'isalpha':
      return s.length > 0 && /^[A-Za-z]+$/.test(s);
    case 'encode':
      return new Bytes(s);
    case 'title':
      return s.replace(/\b[a-z]/g, (c) => c.toUpperCase());
  }
  return undefined;
}

function stripChars(s: string, chars: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  if (left) while (a < b && chars.includes(s[a])) a++;
  if (right) while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/** base64, hex and URL quoting round trips on constants (`base64.b64decode("bHM=")` is the constant `ls`). */
export function codec(name: string, a: Const): Const {
  const text = a instanceof Bytes ? a.s : typeof a === 'string' ? a : undefined;
  if (text === undefined) return undefined;
  const bin = (): Buffer => Buffer.from(text, 'latin1');
  switch (name) {
    case 'b64encode':
    case 'standard_b64encode':
    case 'encodebytes':
      return new Bytes(bin().toString('base64'));
    case 'urlsafe_b64encode':
      return new Bytes(bin().toString('base64').replace(/\+/g, '-').replace(/\//g, '_'));
    case 'b64decode':
    case 'standard_b64decode':
    case 'decodebytes':
    case 'urlsafe_b64decode':
      return new Bytes(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
    case 'hexlify':
    case 'b2a_hex':
      return new Bytes(bin().toString('hex'));
    case 'unhexlify':
    case 'a2b_hex':
    case 'fromhex':
      return /^(?:[0-9a-fA-F]{2})*$/.test(text) ? new Bytes(Buffer.from(text, 'hex').toString('latin1')) : undefined;
    case 'quote':
    case 'quote_plus':
      return typeof a === 'string' ? encodeURIComponent(a).replace(/%2F/g, name === 'quote' ? '/' : '%2F') : undefined;
    case 'unquote':
    case 'unquote_plus':
      try {
        return typeof a === 'string' ? decodeURIComponent(name === 'unquote_plus' ? a.replace(/\+/g, ' ') : a) : undefined;
      } catch {
        return undefined;
      }
    case 'decode':
      return a instanceof Bytes ? a.s : undefined;
  }
  return undefined;
}
