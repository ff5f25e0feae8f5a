import { task, types } from "hardhat/config";
import type { HttpNetworkConfig } from "hardhat/types";
import { TaskError } from "../src/tasks-util";
import { createLogger } from "../src/log";
import { missingRpcSentence, placeholderUrl, remoteNetwork } from "../src/networks";
import {
  ConfigError,
  ENV_KEYSTORE_PASSWORD,
  ENV_RELAYER_KEY,
  ENV_SIGNER_KEY,
  resolveServeOptions,
} from "../src/node/config";
import type { ServeArgs } from "../src/node/config";
import { FAULT_CLASSES, FaultInjectionError, faultClassList } from "../src/node/faults";

// Values are imported lazily inside the action so that loading this file stays cheap for other tasks.

task(
  "node:serve",
  "Runs a Push Node: validates, attests, stores and serves messages over HTTP on 127.0.0.1, and the Push Chat SDK's API under /apis (docs/push-chat-api.md; the SDK's env 'local' expects --port 4000)",
)
  .addOptionalParam("port", "TCP port on 127.0.0.1 (0 = any free port)", "8700", types.string)
  .addOptionalParam("dataDir", "Directory of the node's SQLite database (default .data/pushnode-<network>)")
  .addOptionalParam(
    "signerKey",
    `The node's signer private key (0x + 64 hex digits); prefer ${ENV_SIGNER_KEY} or --keystore, which stay out of the process list`,
  )
  .addOptionalParam(
    "keystore",
    `Encrypted JSON keystore of the signer key; passphrase from ${ENV_KEYSTORE_PASSWORD}, else KEYSTORE_PASSWORD, else a terminal prompt`,
  )
  .addOptionalParam("rpc", "JSON-RPC URL(s), comma-separated, tried in order (default: the network's url)")
  .addOptionalParam(
    "confirmations",
    "Blocks below head at which chain state is read (default per chain: 12 Ethereum, 6 Sepolia, 32 Polygon, 16 Amoy, 0 local)",
  )
  .addOptionalParam(
    "accept",
    `Fault injection, for tests and demos: accept these classes of invalid message, comma-separated (${FAULT_CLASSES.join(", ")}); refused on chains 1 and 137`,
  )
  .addOptionalParam("deployment", "Deployment file to use instead of deployments/<network>.json")
  .addOptionalParam("pollInterval", "Milliseconds between chain polls", "2000", types.string)
  .addOptionalParam(
    "maxBody",
    "Request body cap in bytes (default: the maximum content size in base64 + 64 KiB)",
  )
  .addOptionalParam(
    "relayerKey",
    `Private key of the account that relays verified Push profiles to the PushProfileGateway and pays their gas (prefer ${ENV_RELAYER_KEY}); without it profiles are stored and served but not relayed`,
  )
  .addOptionalParam(
    "relayPerAddress",
    'Profile relays allowed per wallet, "<count>/<minute|hour|day|Ns>" (default 3/hour)',
  )
  .addOptionalParam(
    "relayPerClient",
    'Profile relays allowed per client IP, "<count>/<minute|hour|day|Ns>" (default 20/hour)',
  )
  .addOptionalParam(
    "relayGasBudget",
    'Gas the relayer may spend, "<gas>/<hour|day|...>" (default 30000000/day, about 68 SDK profiles); when spent the API answers 503',
  )
  .setAction(async (args: ServeArgs, hre) => {
    const net = hre.network.config as Partial<HttpNetworkConfig>;
    const remote = remoteNetwork(hre.network.name);
    if (args.rpc === undefined && remote && net.url === placeholderUrl(remote.name))
      throw new TaskError(`${missingRpcSentence(remote)} Or pass --rpc.`);
    let opts;
    try {
      opts = await resolveServeOptions(args, {
        network: hre.network.name,
        networkUrl: typeof net.url === "string" && net.url !== "" ? net.url : undefined,
      });
    } catch (e) {
      if (e instanceof ConfigError || e instanceof FaultInjectionError) throw new TaskError(e.message);
      throw e;
    }
    // One process per data directory and per signer on this machine (docs/process-locks.md).
    const { LockHeldError, lockDataDir, lockSigner } = await import("../src/util/process-lock");
    const { computeAddress } = await import("ethers");
    const locks: import("../src/util/process-lock").HeldLock[] = [];
    try {
      locks.push(lockDataDir(opts.dataDir, "node:serve"));
      locks.push(lockSigner(computeAddress(opts.signerKey), "node:serve"));
    } catch (e) {
      for (const l of locks) l.release();
      if (e instanceof LockHeldError) throw new TaskError(e.message);
      throw e;
    }
    for (const l of locks)
      if (l.tookOver)
        console.log(`Took over ${l.file} from PID ${l.tookOver.pid}, which is no longer running.`);
    const { startPushNode } = await import("../src/node/push-node");
    let running;
    try {
      running = await startPushNode({ ...opts, logger: createLogger({ fields: { service: "push-node" } }) });
    } catch (e) {
      for (const l of locks) l.release();
      throw new TaskError(`The Push Node did not start: ${(e as Error).message}`);
    }
    const h = running.node.health();
    console.log(
      `Push Node ${running.address} listening on ${running.url} (chain ${opts.chainId}, ${opts.confirmations} confirmations, data dir ${opts.dataDir}).`,
    );
    console.log(
      h.ok
        ? `Status: ${h.status}; feed head ${h.feed.head}; ready to attest.`
        : `Status: ${h.status}; feed head ${h.feed.head}; not attesting yet: ${h.reason}`,
    );
    if (running.relay) {
      const r = running.relay.status();
      console.log(
        `Relaying Push profiles through ${r.gateway} from ${r.relayer} (gas budget ${r.gasBudget} per ${r.budgetWindowSec} s).`,
      );
    } else console.log("Push profiles are stored and served, not relayed to the chain (no --relayer-key).");
    const accepting = faultClassList(opts.accept);
    if (accepting.length > 0)
      console.log(`FAULT INJECTION: accepting ${accepting.join(", ")} messages. This node will be slashed.`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        console.log(`${signal}: stopping.`);
        resolve();
      };
      process.once("SIGINT", () => stop("SIGINT"));
      process.once("SIGTERM", () => stop("SIGTERM"));
    });
    await running.close();
    for (const l of locks) l.release();
  });
