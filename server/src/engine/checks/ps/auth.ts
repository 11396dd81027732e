import type { Node } from 'web-tree-sitter';
import { calledName, keywordArg, unparen } from '../../pyast.js';
import { plainStr } from '../../pystring.js';
import { keywordHit } from '../support/calls.js';
import { parentOf } from '../../memo.js';
import type { Check, Hit } from '../../rule.js';
import { isFalse } from '../support/settings.js';

/**
 * OWASP A07 (identification and authentication failures): PS701, a JWT
 * decoded without verifying its signature.
 */

function jwtUnverified(call: Node): Hit | null {
  const options = keywordArg(call, 'options');
  if (options) {
    const o = unparen(options);
    if (o.type === 'dictionary') {
      for (const pair of o.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const k = pair.childForFieldName('key');
        if (k && plainStr(k) === 'verify_signature' && isFalse(pair.childForFieldName('value'))) return { node: pair, message: JWT_MESSAGE('options={"verify_signature": False}') };
      }
    } else if (o.type === 'call' && calledName(o) === 'dict' && isFalse(keywordArg(o, 'verify_signature'))) {
      return { node: keywordHit(o, 'verify_signature'), message: JWT_MESSAGE('options=dict(verify_signature=False)') };
    }
  }
  if (isFalse(keywordArg(call, 'verify'))) return { node: keywordHit(call, 'verify'), message: JWT_MESSAGE('verify=False') };
  const algorithms = keywordArg(call, 'algorithms');
  if (algorithms) {
    const a = unparen(algorithms);
    const items = a.type === 'list' || a.type === 'tuple' || a.type === 'set' ? a.namedChildren : [a];
    if (items.some((c) => !!c && plainStr(c)?.toLowerCase() === 'none')) {
      return { node: keywordHit(call, 'algorithms'), message: JWT_MESSAGE('the "none" algorithm') };
    }
  }
  return null;
}

const JWT_MESSAGE = (how: string) =>
  `jwt.decode() with ${how} accepts any token without checking its signature: anyone can write a token that says they are an administrator. Verify every token you act on: pass the key and an explicit list of real algorithms (jwt.decode(token, key, algorithms=["HS256"])); read unverified claims only to pick the key (get_unverified_header), never to authorise.`;

const jwtDecodeUnverified: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  if (!qual.endsWith('decode') && !qual.endsWith('decode_complete')) return null;
  const parts = qual.split('.');
  if (!parts.includes('jwt') || (parts[parts.length - 1] !== 'decode' && parts[parts.length - 1] !== 'decode_complete')) return null;
  const hit = jwtUnverified(call);
  if (!hit) return null;
  // `unverified_claims = jwt.decode(..., options={"verify_signature": False})`, to pick the key
  // for the real check: said so in the name, so less likely acted on.
  const parent = parentOf(call);
  if (parent?.type === 'assignment' && /unverified|untrusted/i.test(parent.childForFieldName('left')?.text ?? '')) {
    return { ...hit, confidence: 'LOW', risk: 'Medium' };
  }
  return hit;
};

export const CHECKS: Record<string, Check> = {
  jwt_decode_unverified: jwtDecodeUnverified,
};
