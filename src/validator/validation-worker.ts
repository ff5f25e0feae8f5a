/** Entry point of a validation worker thread (see worker-pool.ts). */
import { parentPort, workerData } from "node:worker_threads";
import { serveValidationTasks } from "./worker-pool";
import type { KeySource } from "./key-source";

if (!parentPort) throw new Error("validation-worker.ts runs as a worker thread");
serveValidationTasks(parentPort, (workerData as { source: KeySource }).source);
