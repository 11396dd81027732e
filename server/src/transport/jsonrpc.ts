import { ErrorCodes, type ContentTypeDecoder, type Message, type ResponseMessage } from 'vscode-languageserver/node.js';

/**
 * JSON-RPC 2.0's rules for one decoded body, for what vscode-jsonrpc
 * would drop without an answer: a body that is not JSON (it fires a read
 * error and forgets the message), and an object that is neither a request,
 * a notification nor a response (it logs it and answers nothing). The
 * client waiting on such a request's id would wait for ever.
 *
 * JSON-RPC 2.0 §5.1: a body that is not JSON is answered a Parse error
 * (-32700) with id null; one that is not a valid Request object an Invalid
 * Request (-32600), with its id when the id can be read (a string or a
 * number; LSP's ids are `integer | string`), else null. Responses are never
 * answered, valid or not (JSON-RPC: no response to a response).
 */

/** What the decoder passes on for a body that is not JSON, so that it can be answered instead of lost. */
export class Unparsable {
  constructor(readonly reason: string) {}
}

/**
 * vscode-jsonrpc's `application/json` decoder, except that a body that does
 * not parse becomes an `Unparsable` (its decoder rejects, and the reader then
 * drops the message with no answer).
 */
export const lenientJsonDecoder: ContentTypeDecoder = {
  name: 'application/json',
  decode: (bytes, options) => {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(options.charset);
    try {
      return Promise.resolve(JSON.parse(text) as Message);
    } catch (e) {
      return Promise.resolve(new Unparsable(e instanceof Error ? e.message : String(e)) as unknown as Message);
    }
  },
};

/** A message vscode-jsonrpc can dispatch as it is. */
export interface Valid {
  ok: true;
  kind: 'request' | 'notification' | 'response';
  message: Message;
}

/** A message to refuse: `answer` is what goes back (none for notifications and responses), `reason` what is said on the log. */
export interface Refused {
  ok: false;
  reason: string;
  answer?: ResponseMessage | ResponseMessage[];
}

export type Checked = Valid | Refused;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string | number => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** The error response JSON-RPC wants for a message it refuses. */
export function errorResponse(id: string | number | null, code: number, message: string): ResponseMessage {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** Whether `value` (a decoded body) is a message vscode-jsonrpc can dispatch, and if not what to answer. */
export function checkMessage(value: unknown): Checked {
  if (value instanceof Unparsable) {
    return { ok: false, reason: 'a body that is not JSON', answer: errorResponse(null, ErrorCodes.ParseError, `Parse error: the message body is not JSON (${value.reason})`) };
  }
  return Array.isArray(value) ? checkBatch(value) : checkObject(value);
}

function checkObject(value: unknown): Checked {
  const invalid = (id: unknown, why: string): Refused => ({
    ok: false,
    reason: why,
    answer: errorResponse(isId(id) ? id : null, ErrorCodes.InvalidRequest, `Invalid Request: ${why}`),
  });
  if (!isObject(value)) return invalid(null, `a message that is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object`);
  const { id, method } = value;
  if ('method' in value) {
    const request = 'id' in value;
    // Malformed without an id is answered too, with id null (JSON-RPC §7's `"method": 1`
    // example): it is no valid notification either, and the client logs the answer.
    const refuse = (why: string): Refused => invalid(id, why);
    if (value.jsonrpc !== '2.0') return refuse('a message without "jsonrpc": "2.0"');
    if (typeof method !== 'string') return refuse('a method that is not a string');
    if (request && !isId(id)) return invalid(null, 'a request id that is not a string or a number');
    // JSON-RPC: params, if present, are structured (an object or an array). null is let
    // through: clients built on serde send `"params": null` for shutdown and exit (Helix).
    if ('params' in value && typeof value.params !== 'object') return refuse('params that are neither an object nor an array');
    // vscode-jsonrpc reads `params.id` of every cancel as it arrives: without one it throws and drops it unsaid.
    if (method === '$/cancelRequest' && !request && !(isObject(value.params) && isId(value.params.id))) return { ok: false, reason: 'a $/cancelRequest without an id to cancel' };
    return { ok: true, kind: request ? 'request' : 'notification', message: value as unknown as Message };
  }
  if ('result' in value || 'error' in value) {
    if (id === null || isId(id)) return { ok: true, kind: 'response', message: value as unknown as Message };
    return { ok: false, reason: 'a response whose id is not a string, a number or null' };
  }
  return invalid(id, 'a message with neither a method nor a result or error');
}

/**
 * A batch. LSP has no batches and vscode-jsonrpc cannot answer one, so each
 * member that wants an answer gets an Invalid Request, in an array as
 * JSON-RPC answers a batch; an empty batch is one Invalid Request (§6).
 */
function checkBatch(batch: unknown[]): Refused {
  const why = 'a batch (an array of messages): LSP has no batches, send each message on its own';
  if (batch.length === 0) return { ok: false, reason: 'an empty batch', answer: errorResponse(null, ErrorCodes.InvalidRequest, 'Invalid Request: an empty batch') };
  const answers: ResponseMessage[] = [];
  for (const m of batch) {
    const checked = checkObject(m);
    if (checked.ok) {
      if (checked.kind === 'request') answers.push(errorResponse((m as { id: string | number }).id, ErrorCodes.InvalidRequest, `Invalid Request: ${why}`));
    } else if (checked.answer) answers.push(...[checked.answer].flat());
  }
  return { ok: false, reason: 'a batch', ...(answers.length ? { answer: answers } : {}) };
}
