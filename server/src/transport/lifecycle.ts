import { ErrorCodes, type Message, type NotificationMessage, type RequestMessage, type ResponseMessage } from 'vscode-languageserver/node.js';
import { errorResponse, type Valid } from './jsonrpc.js';

/**
 * LSP 3.17's lifecycle rules ("Lifecycle Messages"), which vscode-languageserver
 * leaves to the server: it dispatches every message whatever the state (a
 * request before `initialize` would run against a server with no documents,
 * one after `shutdown` against one tearing down). What it does do is kept:
 * `exit` ends the process with 0 after a `shutdown` and 1 without one, a
 * `$/` request nobody handles is answered MethodNotFound, a `$/` notification
 * nobody handles is ignored, a `$/cancelRequest` for an unknown id too.
 *
 * - before `initialize`: a request is answered ServerNotInitialized (-32002);
 *   a notification is dropped, except `exit`;
 * - while `initialize` is being answered: the client may send nothing (LSP),
 *   but whatever it sends anyway is held and dispatched, in order, once the
 *   answer is written, so a client that pipelines `initialized` and `didOpen`
 *   loses nothing and sees no message from the server before the result;
 * - `initialized` is taken once; a second one is dropped (it would register
 *   the file watchers and start the workspace scan again);
 * - after `shutdown`: every request is answered InvalidRequest (-32600), a
 *   second `shutdown` too ("If a server receives requests after a shutdown
 *   request those requests should error with InvalidRequest": a second
 *   shutdown is such a request, and the first one's answer already said yes);
 *   a notification other than `exit` is dropped.
 */
export type Phase = 'uninitialized' | 'initializing' | 'running' | 'shutdown';

export type Route =
  | { action: 'deliver' }
  | { action: 'hold' }
  | { action: 'answer'; answer: ResponseMessage; reason: string }
  | { action: 'drop'; reason: string };

const DELIVER: Route = { action: 'deliver' };

export class Lifecycle {
  private current: Phase = 'uninitialized';
  private initializeId: string | number | null | undefined;
  private initializedSeen = false;
  private held: Valid[] = [];

  get phase(): Phase {
    return this.current;
  }

  /** Where a valid message goes now. */
  route(checked: Valid): Route {
    if (checked.kind === 'response') return DELIVER;
    const { method } = checked.message as RequestMessage | NotificationMessage;
    const request = checked.kind === 'request';
    const id = request ? (checked.message as RequestMessage).id : undefined;
    if (!request && method === 'exit') return DELIVER;
    switch (this.current) {
      case 'uninitialized':
        if (request && method === 'initialize') {
          this.current = 'initializing';
          this.initializeId = id;
          return DELIVER;
        }
        return request
          ? { action: 'answer', reason: 'a request before initialize', answer: errorResponse(id!, ErrorCodes.ServerNotInitialized, `pysec: the server is not initialized: send initialize before ${method}`) }
          : { action: 'drop', reason: 'a notification before initialize' };
      case 'initializing':
        this.held.push(checked);
        return { action: 'hold' };
      case 'running':
        if (request && method === 'shutdown') this.current = 'shutdown';
        if (!request && method === 'initialized') {
          if (this.initializedSeen) return { action: 'drop', reason: 'a second initialized notification' };
          this.initializedSeen = true;
        }
        return DELIVER;
      case 'shutdown':
        return request
          ? { action: 'answer', reason: 'a request after shutdown', answer: errorResponse(id!, ErrorCodes.InvalidRequest, `pysec: the server is shutting down: ${method} after shutdown (only exit may follow it)`) }
          : { action: 'drop', reason: 'a notification after shutdown' };
    }
  }

  /**
   * A message the server is writing. Its answer to `initialize` ends that
   * phase: a result starts the server, an error leaves it uninitialized.
   * Returns the messages held meanwhile, to be routed again in order.
   */
  sent(message: Message): Valid[] {
    if (this.current !== 'initializing') return [];
    const response = message as ResponseMessage;
    if (response.id !== this.initializeId || !('result' in response || 'error' in response)) return [];
    this.current = 'error' in response && response.error ? 'uninitialized' : 'running';
    const held = this.held;
    this.held = [];
    return held;
  }
}
