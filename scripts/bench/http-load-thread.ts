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
 * openLoop(url, items, perSecond), run in a worker thread; answers in item order. The thread first sends
 * GET `warmPath` requests, unmeasured (a new thread's first request took ~65 ms: its HTTP client compiled and
 * connected), 16 at a time so that the connections the loop will use are open. `onReady` is called when that
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
    for (let round = 0; round < 20; round++)
      await Promise.all(Array.from({ length: 16 }, () => request(job.url + job.warmPath, "GET")));
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
