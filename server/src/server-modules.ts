/**
 * What the server needs beyond answering `initialize`: the session (every
 * handler and all they import) and the engine. One module, so that the
 * bundle (scripts/bundle.mjs) makes of it one file, `bundle-session-*.cjs`,
 * which the server's own bundle loads as the client's `initialize` arrives
 * (server-load.ts); nothing of it is on the path to that answer.
 */
export { startSession } from './handlers/routes.js';
export { Engine } from './engine/engine.js';
