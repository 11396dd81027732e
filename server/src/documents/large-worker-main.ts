// The entry of the large documents' worker (large.ts): serves on the parent port.
import { parentPort, workerData } from 'node:worker_threads';
import { serveLarge } from './large-worker.js';

if (parentPort) void serveLarge(parentPort, (workerData as { generation?: number } | null)?.generation ?? 0);
