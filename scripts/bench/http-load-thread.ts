/**
 * The open loop of http-load.ts in a worker thread (openLoopInThread): the load generator then has a heap of
 * its own, holding only the bodies it sends. Run on the bench's main thread, whose heap also held the SDK,
 * Hardhat and thousands of prepared messages, its garbage collections (mark-compacts of up to 78 ms) paused
 * the client while answers were in flight, and those answers were timed as that much slower.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { openLoop, request } from "./http-load";
import type { Answer, LoadItem } from "./http-load";

interface Job {
  url: string;
  items: LoadItem[];
  perSecond: number;
  warmPath: string;
}

/**
 * Connections the load thread opens before its clock starts. Session 16 opened 16; in session 18 a burst at
 * half rate then needed more, and each request on a connection opened mid-phase took 45-70 ms longer than on an
 * open one while the node's own time on it stayed 4-9 ms (BENCH_HALF_ANSWERS_FILE with the socket of each
 * request): the node accepts a connection in one turn of its event loop and reads it in the next. An app's
 * users arrive on connections of their own; a proxy in front of a node keeps a pool open. 64 covers the
 * bursts seen (the node keeps idle connections open 65 s: src/http/server.ts).
 */
const WARM_CONNECTIONS = 64;

/**
 * openLoop(url, items, perSecond), run in a worker thread; answers in item order. The thread first sends
 * GET `warmPath` requests, unmeasured (a new thread's first request took ~65 ms: its HTTP client compiled and
 * connected), WARM_CONNECTIONS at a time so that the connections the loop will use are open. `onReady` is called when that
 * is done, just before the loop's first request: the caller starts its clocks there.
 */
export function openLoopInThread(
  url: string,
  items: LoadItem[],
  perSecond: number,
  warmPath: string,
  onReady: () => void = () => {},
): Promise<Answer[]> {
  const job: Job = { url, items: items.map((i) => ({ path: i.path, body: i.body })), perSecond, warmPath };
  // The worker loads this file through ts-node, as Hardhat loads the bench.
  const worker = new Worker(
    `require("ts-node/register/transpile-only"); require(${JSON.stringify(__filename)});`,
    { eval: true, workerData: job },
  );
  return new Promise<Answer[]>((resolve, reject) => {
    let answers: Answer[] | undefined;
    worker.on("message", (m: "ready" | Answer[]) => {
      if (m === "ready") {
        onReady();
        worker.postMessage("go");
      } else answers = m;
    });
    worker.once("error", reject);
    worker.once("exit", (code) =>
      answers
        ? resolve(answers)
        : reject(new Error(`the load thread exited with code ${code} and no answers`)),
    );
  });
}

if (!isMainThread && parentPort && (workerData as Job | undefined)?.items) {
  const job = workerData as Job;
  const port = parentPort;
  const warm = async () => {
    for (let round = 0; round < 5; round++)
      await Promise.all(
        Array.from({ length: WARM_CONNECTIONS }, () => request(job.url + job.warmPath, "GET")),
      );
  };
  const go = () => new Promise<void>((resolve) => port.once("message", () => resolve()));
  void warm()
    .then(() => {
      const started = go();
      port.postMessage("ready");
      return started;
    })
    .then(() => openLoop(job.url, job.items, job.perSecond))
    .then((answers) => port.postMessage(answers));
}
