/**
 * A Push Chat API in its own process, for the kill -9 test: `node -r ts-node/register/transpile-only
 * serve-child.ts <dataDir>` prints "READY <url>" once it listens, then serves until killed.
 */
import { startTestApi } from "./helpers";

startTestApi({}, process.argv[2])
  .then((api) => {
    process.stdout.write(`READY ${api.url}\n`);
  })
  .catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
