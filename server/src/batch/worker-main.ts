// The entry of a check pool worker (pool.ts): serves on the parent port.
import { parentPort, workerData } from 'node:worker_threads';
import { serve, type ServeOptions } from './worker.js';

if (parentPort) void serve(parentPort, workerData as ServeOptions);
