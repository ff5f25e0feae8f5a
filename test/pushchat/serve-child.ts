/**
 * A Push Chat API in its own process, for the kill -9 test: `node -r ts-node/register/transpile-only
 * serve-child.ts <dataDir>` prints "READY <url>" once it listens, then serves until killed. Loaded by
 * mocha (which loads every file under test/), it does nothing.
 */
import { startTestApi } from "./helpers";

if (require.main === module) {
  startTestApi({}, process.argv[2])
    .then((api) => {
      process.stdout.write(`READY ${api.url}\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    });
}
