/**
 * A Push Node in its own process, for the kill -9 test of the node: `node -r ts-node/register/transpile-only
 * node-child.ts '<PushNodeOptions JSON, chainId as a string>'` prints "READY <url>" once it listens, then serves
 * until killed. Loaded by mocha (which loads every file under test/), it does nothing.
 */
import { startPushNode } from "../../src/node/push-node";
import type { PushNodeOptions } from "../../src/node/push-node";

if (require.main === module) {
  const raw = JSON.parse(process.argv[2]) as Omit<PushNodeOptions, "chainId"> & { chainId: string };
  startPushNode({ ...raw, chainId: BigInt(raw.chainId) })
    .then((n) => {
      process.stdout.write(`READY ${n.url}\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    });
}
