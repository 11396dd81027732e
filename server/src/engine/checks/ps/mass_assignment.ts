import type { Node } from 'web-tree-sitter';
import { type FileContext } from '../../context.js';
import { positionalArgs } from '../../pyast.js';
import { unparen } from '../../pyast.js';
import type { Check } from '../../rule.js';
import { callee, flowRule, methodName, ownNodes, receiver, type Site } from './scoped.js';

/**
 * PS802 mass assignment (CWE-915): every field the client sent becomes an
 * attribute of a model. `Model(**data)` (a class: a capitalised name),
 * `Model.objects.create/update/get_or_create/update_or_create(**data)` (and
 * on a queryset, `.filter(...).update(**data)`), `obj.__dict__.update(data)`,
 * `vars(obj).update(data)`, and `setattr(obj, name, value)` with the
 * attribute's name from the request (the loop over `request.json.items()`).
 * Forms, serializers and schemas (`*Form`, `*Serializer`, `*Schema`)
 * declare their fields: not reported.
 */

const MESSAGE = (what: string) =>
  `${what} takes every field the client sent: a request that adds is_admin, role, owner_id or price sets them too (mass assignment: privilege escalation, tampering). Copy only the fields the client may set, by name (Model(name=data["name"], email=data["email"])), or validate the body with a form, serializer or schema that declares them.`;

const MANAGER_METHODS = new Set(['create', 'update', 'get_or_create', 'update_or_create']);
const VALIDATED = /(Form|Serializer|Schema|Response|Error|Exception|Warning)$/;
const NOT_MODELS = new Set(['dict', 'OrderedDict', 'defaultdict', 'Counter', 'SimpleNamespace', 'ChainMap', 'Path']);

/** The splatted mappings of a call: `data` of `f(**data)`. */
function splats(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  const out: Node[] = [];
  for (const a of args?.namedChildren ?? []) {
    if (a?.type !== 'dictionary_splat') continue;
    const inner = a.namedChildren.find((c) => c && c.type !== 'comment');
    if (inner) out.push(unparen(inner));
  }
  return out;
}

/** `Model(...)`, `models.Model(...)`: a class by its capitalised last name. */
function modelClass(call: Node): string | null {
  const name = methodName(call);
  if (!/^[A-Z]\w*$/.test(name) || !/[a-z]/.test(name) || VALIDATED.test(name) || NOT_MODELS.has(name)) return null;
  return name;
}

/** `Model.objects.create(...)`, `Model.objects.filter(...).update(...)`, `Model.query.filter_by(...).update(...)`. */
function managerCall(call: Node): boolean {
  if (!MANAGER_METHODS.has(methodName(call))) return false;
  const recv = receiver(call);
  return !!recv && /\bobjects\b|\bquery\b/.test(recv.text);
}

function massSites(fn: Node, _ctx: FileContext): Site[] {
  const out: Site[] = [];
  for (const call of ownNodes(fn, 'call')) {
    const name = methodName(call);
    const model = modelClass(call);
    if (model || managerCall(call)) {
      const what = model ? `${model}(**...)` : `${name}(**...)`;
      for (const s of splats(call)) out.push({ value: s, kind: 'mass-assignment', at: call, call, message: MESSAGE(what) });
      continue;
    }
    if (name === 'update') {
      const recv = receiver(call);
      const dictOf = recv?.type === 'attribute' && recv.childForFieldName('attribute')?.text === '__dict__';
      const varsOf = recv?.type === 'call' && callee(recv)?.text === 'vars';
      const data = positionalArgs(call)[0];
      if ((dictOf || varsOf) && data) out.push({ value: unparen(data), kind: 'mass-assignment', at: call, call, message: MESSAGE(dictOf ? '__dict__.update()' : 'vars(...).update()') });
      continue;
    }
    if (name === 'setattr' && callee(call)?.type === 'identifier') {
      const attr = positionalArgs(call)[1];
      if (attr) out.push({ value: unparen(attr), kind: 'mass-assignment', at: call, call, message: MESSAGE('setattr() with an attribute name from the request') });
    }
  }
  return out;
}

const WORDS = /\*\*|\b__dict__\b|\bvars\b|\bsetattr\b/;

export const CHECKS: Record<string, Check> = {
  mass_assignment: flowRule(WORDS, massSites),
};
