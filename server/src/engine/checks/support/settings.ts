import type { Node } from 'web-tree-sitter';
import type { FileContext } from '../../context.js';
import { keywordArg, positionalArgs, shortName, unparen } from '../../pyast.js';
import { plainStr, stringLiteral } from '../../pystring.js';
import { memo } from '../../memo.js';

/**
 * Settings written the ways Django, Flask and FastAPI read them, and the
 * small facts about values the PS rules share.
 */

export interface Setting {
  /** The setting's name: `DEBUG`, `SESSION_COOKIE_SECURE`; `debug` for `app.debug`. */
  name: string;
  /** The value assigned. */
  value: Node;
  /** What to highlight: the assignment, the keyword, the dict entry. */
  node: Node;
  /**
   * `module`: `NAME = value` (a settings module, a config class);
   * `config`: Flask's `app.config["NAME"] = value` or `app.config.update(NAME=value)`;
   * `attribute`: `app.debug = value`.
   */
  form: 'module' | 'config' | 'attribute';
}

/** Whether `node` is an app's `config` mapping: `app.config`, `current_app.config`, a bare `config`. */
function isConfigObject(node: Node | null): boolean {
  if (!node) return false;
  const n = unparen(node);
  if (n.type === 'identifier') return n.text === 'config';
  return n.type === 'attribute' && n.childForFieldName('attribute')?.text === 'config';
}

/** An assignment's value: the innermost right-hand side of a chain (`A = B = False` → False). */
function assignedValue(assign: Node): Node | null {
  let right = assign.childForFieldName('right');
  while (right?.type === 'assignment') right = right.childForFieldName('right');
  return right;
}

/** The setting an `assignment` makes (each assignment of a chain its own target), or null. */
export function assignmentSetting(assign: Node): Setting | null {
  return memo(assign, 'assignmentSetting', assignmentSettingUncached);
}

function assignmentSettingUncached(assign: Node): Setting | null {
  if (assign.type !== 'assignment') return null;
  const left = assign.childForFieldName('left');
  const value = assignedValue(assign);
  if (!left || !value) return null;
  if (left.type === 'identifier') return { name: left.text, value, node: assign, form: 'module' };
  if (left.type === 'subscript' && isConfigObject(left.childForFieldName('value'))) {
    const index = left.childForFieldName('subscript');
    const name = index ? plainStr(index) : null;
    return name === null ? null : { name, value, node: assign, form: 'config' };
  }
  if (left.type === 'attribute') {
    const name = left.childForFieldName('attribute')?.text;
    return name ? { name, value, node: assign, form: 'attribute' } : null;
  }
  return null;
}

/** Settings a call makes on an app's config: `app.config.update(NAME=v)`, `update({"NAME": v})`, `from_mapping(...)`. */
export function callSettings(call: Node): Setting[] {
  return memo(call, 'callSettings', callSettingsUncached);
}

function callSettingsUncached(call: Node): Setting[] {
  const fn = call.childForFieldName('function');
  const f = fn ? unparen(fn) : null;
  if (f?.type !== 'attribute') return [];
  const method = f.childForFieldName('attribute')?.text;
  if (method !== 'update' && method !== 'from_mapping') return [];
  if (!isConfigObject(f.childForFieldName('object'))) return [];
  const out: Setting[] = [];
  const args = call.childForFieldName('arguments');
  for (const a of args?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) out.push({ name, value, node: a, form: 'config' });
    } else if (a && unparen(a).type === 'dictionary') {
      for (const pair of unparen(a).namedChildren) {
        if (pair?.type !== 'pair') continue;
        const k = pair.childForFieldName('key');
        const name = k ? plainStr(k) : null;
        const value = pair.childForFieldName('value');
        if (name !== null && value) out.push({ name, value, node: pair, form: 'config' });
      }
    }
  }
  return out;
}

/** The settings a matched node (an assignment or a call) makes. Cheap for the calls that make none (most). */
export function settingsOf(node: Node, ctx: FileContext): Setting[] {
  if (node.type === 'assignment') {
    const s = assignmentSetting(node);
    return s ? [s] : [];
  }
  if (node.type !== 'call') return [];
  const q = ctx.qualname(node);
  return q.endsWith('.update') || q.endsWith('.from_mapping') ? callSettings(node) : [];
}

// ------------------------------------------------------------ small facts

export function isTrue(node: Node | null | undefined): boolean {
  return !!node && unparen(node).type === 'true';
}

export function isFalse(node: Node | null | undefined): boolean {
  return !!node && unparen(node).type === 'false';
}

/** A string expression without interpolation: a plain string, or an implicit concatenation of them. */
export function isConstantString(node: Node): boolean {
  const n = unparen(node);
  if (n.type !== 'string' && n.type !== 'concatenated_string') return false;
  return stringLiteral(n) !== null;
}

/** A name written as a constant (`TEMPLATE`, `config.PAGE_HTML`): upper case, at least two letters. */
export function constantLikeName(node: Node): boolean {
  const n = unparen(node);
  const name = n.type === 'identifier' ? n.text : n.type === 'attribute' ? n.childForFieldName('attribute')?.text ?? '' : '';
  return /^_*[A-Z][A-Z0-9_]+$/.test(name);
}

/** A call's argument: the keyword if given, else the positional at `index`. */
export function argument(call: Node, index: number, ...keywords: string[]): Node | undefined {
  for (const k of keywords) {
    const v = keywordArg(call, k);
    if (v) return v;
  }
  return positionalArgs(call)[index];
}

/** The last name of an expression: `self.app` → app, `app` → app; '' for anything else. */
export function lastName(node: Node | null | undefined): string {
  if (!node) return '';
  const n = unparen(node);
  if (n.type === 'identifier') return n.text;
  if (n.type === 'attribute') return n.childForFieldName('attribute')?.text ?? '';
  return '';
}

/** The function a call calls, resolved: `ctx.qualname`, and its last part. */
export function callName(call: Node, ctx: FileContext): { qual: string; short: string } {
  const qual = ctx.qualname(call);
  return { qual, short: shortName(qual) };
}

/** A setting as written, for a message: `SESSION_COOKIE_SECURE = False`, `app.config.update(DEBUG=True)`. */
export function settingText(setting: Setting, matched: Node): string {
  const value = unparen(setting.value).text;
  if (matched.type === 'call') return `${matched.childForFieldName('function')?.text ?? 'config.update'}(${setting.name}=${value})`;
  return `${matched.childForFieldName('left')?.text ?? setting.name} = ${value}`;
}

/** A name or text for a message, as code: `x`. */
export const quote = (text: string) => `\`${text}\``;
