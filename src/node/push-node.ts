/**
 * The reference Push Node: accepts envelopes, validates them exactly as the validator would
 * (`checkMessage` against the chain index at the node's confirmation depth), stores the content by CID,
 * attests with the node's signer key and serves its feed. See README "Running a Push Node".
 */
import { PollLoop } from "../util/poll-loop";
import path from "node:path";
import fs from "node:fs";
import { Interface, SigningKey, computeAddress, getAddress, getBytes } from "ethers";
import { ChainIndex, NodeStatus, nodeStatusName } from "../chain/chain-index";
import { RpcClient, registerRpcMetrics } from "../chain/rpc";
import { HttpError, startHttpServer } from "../http/server";
import type { RequestContext, Route, RunningHttpServer } from "../http/server";
import { MetricsRegistry, metricsRoute } from "../http/metrics";
import { silentLogger } from "../log";
import type { Logger } from "../log";
import { openDatabase } from "../store/sqlite";
import type { Database } from "../store/sqlite";
import {
  CheckContextError,
  DEFAULT_CHECK_PARAMS,
  EnvelopeDecodeError,
  attestationDigest,
  checkMessage,
  cidOf,
  contentHashOfCid,
  decodeEnvelope,
  encodeSignedAttestation,
  messageDigest,
  signatureHashOf,
} from "../message";
import type { Attestation, AttestationDomain, CheckParams, Envelope, SignedAttestation } from "../message";
import type { ClockJson, FeedPageJson, HealthJson, SubmitResponse } from "./api";
import { assertFaultInjectionAllowed, faultClassList } from "./faults";
import type { FaultClass } from "./faults";
import { AttestedAtMovedError, NODE_MIGRATIONS, NodeStore } from "./store";
import { digestSigner } from "./attestation-key";
import { FreshRead } from "./fresh-read";
import { WalSync } from "./wal-sync";
import { BackgroundCheckpointer } from "../store/checkpointer";
import { useNativeKeccak } from "../validator/native-hash";
import type { DigestSigner } from "./attestation-key";
import { PUSHCHAT_DB_FILE, pushChatOver, pushChatRoutes } from "../pushchat";
import type { OpenPushChat, PushAttestTicket, PushChatOptions, PushMessageAttestor } from "../pushchat";
import { pushAttestedMessageOf, pushMessageDigest } from "../message/push";
import type { AppendPushResult, AppendResult } from "./store";
import { chainPushKeyLookup } from "./push-keys";
import { ProfileRelay } from "./profile-relay";
import { AttestedSummary } from "./attested-summary";
import type { ProfileRelayOptions } from "./profile-relay";

export const NODE_DB_FILE = "pushnode.sqlite";
export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 200;

const CALLS = new Interface([
  "function isActive(address node) view returns (bool)",
  "function params() view returns ((uint32 stateLag, uint32 maxContentSize, uint32 maxClockSkew, uint16 messageFaultSlashBps, uint16 equivocationSlashBps, uint16 reporterRewardBps))",
]);

export interface PushNodeOptions {
  /** Directory of the node's SQLite database (created if missing). */
  dataDir: string;
  /** Port on 127.0.0.1 (default 0: a free port). */
  port?: number;
  /** One or more JSON-RPC URLs (failover in order). */
  rpcUrls: string[];
  /** Chain the deployment is on; every RPC URL must serve it. */
  chainId: bigint;
  keyRegistry: string;
  nodeRegistry: string;
  /** The Slashing proxy: verifyingContract of the attestation domain, and where parameters are read. */
  slashing: string;
  /** Deployment block: where the chain index starts. */
  startBlock: number;
  /** The node's signer private key (0x hex) or SigningKey. Its address is the node id. */
  signerKey: string | SigningKey;
  /** Blocks below head the chain index reads at. */
  confirmations: number;
  /** Fault injection: one class or several (tests and demos only; refused on chain ids 1 and 137). */
  accept?: FaultClass | readonly FaultClass[];
  /**
   * Fixed validation parameters instead of reading Slashing.params() (for a deployment without the
   * Slashing contract). Missing fields take DESIGN defaults.
   */
  params?: Partial<CheckParams>;
  /** Chain poll interval in ms (default 2000). */
  pollIntervalMs?: number;
  /** Request body cap in bytes (default: enough for the maximum content size in base64 + 64 KiB). */
  bodyLimitBytes?: number;
  /** Safety margin (s) kept below the state lag for chain-state staleness (default 15). */
  freshnessMarginSec?: number;
  /** Refuse to attest when the node's status at the chain head is older than this (ms; default 30000). */
  headStatusMaxAgeMs?: number;
  /** RPC per-attempt timeout in ms (default 10000). */
  rpcTimeoutMs?: number;
  /** The node's clock in unix seconds (default: the system clock); tests set it back. */
  clock?: () => bigint;
  /**
   * Which clock dates attestations and checks message timestamps: "chain" (the later of the wall clock and
   * the latest block's timestamp, read again before each message, so time travel on a development chain
   * moves the node's clock with the chain's) or "wall" (the system clock; health fails when it is more than
   * the maximum clock skew from the chain's time). Default: "chain" on development chains (31337, 1337),
   * else "wall".
   */
  clockSource?: ClockSource;
  /**
   * The Push Chat API (`/apis/...`, docs/push-chat-api.md) on the same port, in the node's database: every
   * message it accepts is validated with the chain's keys at its attestation time and attested into the feed
   * in the transaction that stores it. Options of the API (its seams `keys`, `attestMessage` and
   * `relayProfile` are the node's and cannot be set here), or false to leave it out. Default: served.
   */
  pushChat?: Omit<PushChatOptions, "keys" | "attestMessage" | "relayProfile"> | false;
  /**
   * Relaying of verified Push profiles to the chain (PushProfileGateway) by a relayer account, with rate
   * limits and a gas budget (src/node/profile-relay.ts). Absent: profiles are stored and served, not relayed
   * (users register their key another way, e.g. key:import-push-profile).
   */
  relay?: ProfileRelayOptions;
  /**
   * Group commit (default false): the database commits without waiting for the disk (synchronous=NORMAL)
   * and every HTTP answer given after a write waits for one fsync of the WAL shared by the messages
   * committed before it (src/node/wal-sync.ts); false: synchronous=FULL, one fsync per transaction. It
   * helps when the disk is slow or shared; on a quiet disk bench:node measured a worse p99 with it.
   */
  groupCommit?: boolean;
  /**
   * WAL checkpoints on a worker thread (default true; src/store/checkpointer.ts): the commit that crosses
   * SQLite's checkpoint threshold no longer copies the WAL into the database on the event loop.
   */
  backgroundCheckpoint?: boolean;
  /**
   * The most Push messages stored and attested in one transaction (default 64; 1: one per message). The
   * messages validated in the same turn of the event loop commit together, one WAL append and one fsync, and
   * each is answered after that commit (src/store/write-batch.ts); a message alone commits at once.
   */
  messagesPerCommit?: number;
  /** How often the info line of what the node attested is written, in ms (default 60,000). */
  attestedSummaryMs?: number;
  logger?: Logger;
}

export type ClockSource = "chain" | "wall";

/** Development chains, where time travel (evm_increaseTime) is expected: the node follows chain time. */
export const DEV_CHAIN_IDS: ReadonlySet<bigint> = new Set([31337n, 1337n]);

export function defaultClockSource(chainId: bigint): ClockSource {
  return DEV_CHAIN_IDS.has(chainId) ? "chain" : "wall";
}

export interface RunningPushNode {
  url: string;
  port: number;
  /** Node id (signer address). */
  address: string;
  node: PushNode;
  /** The Push Chat API's store and service (undefined when `pushChat: false`). */
  pushChat?: OpenPushChat;
  /** The profile relayer (undefined without `relay`). */
  relay?: ProfileRelay;
  /**
   * Resolves when everything the node has committed is on disk. HTTP answers wait for it already; in-process
   * callers of `pushChat.service` call it before relying on a write surviving a power cut (kill -9 of the
   * process loses nothing committed either way).
   */
  durable(): Promise<void>;
  close(): Promise<void>;
}

type Readiness = { ok: true } | { ok: false; status: number; reason: string };

/** The node's logic, independent of HTTP (the routes below are thin). */
export class PushNode {
  readonly address: string;
  readonly domain: AttestationDomain;
  private readonly signingKey: SigningKey;
  /** Signs attestation digests (native libsecp256k1 when available; the same bytes as ethers). */
  private readonly digestSigner: DigestSigner;
  private params: CheckParams | undefined;
  private paramsError: string | undefined;
  private headActive: { value: boolean; at: number } | undefined;
  /** The latest block seen: its number and timestamp (chain time). */
  private chainHead: { number: number; timestamp: bigint } | undefined;
  readonly clockSource: ClockSource;
  private readonly log: Logger;
  /** The periodic info line of what the node attested (each message's own line is at debug). */
  private readonly summary: AttestedSummary;
  readonly metrics = new MetricsRegistry();
  private readonly accepted;
  private readonly refused;
  /** Fault classes this node accepts (fault injection); empty for an honest node. */
  private readonly accepts: ReadonlySet<FaultClass>;
  /** The profile relayer, when the node has one (reported in health). */
  relay: ProfileRelay | undefined;
  private readonly chainLoop = new PollLoop(
    () => this.refresh(),
    (e) => this.log.warn("chain refresh failed; will retry", { error: errorText(e) }),
  );

  constructor(
    private readonly opts: PushNodeOptions,
    readonly rpc: RpcClient,
    readonly db: Database,
    readonly store: NodeStore,
    readonly index: ChainIndex,
  ) {
    this.signingKey =
      typeof opts.signerKey === "string" ? new SigningKey(normalizeKey(opts.signerKey)) : opts.signerKey;
    this.address = computeAddress(this.signingKey.publicKey);
    this.digestSigner = digestSigner(this.signingKey);
    this.domain = { chainId: opts.chainId, verifyingContract: getAddress(opts.slashing) };
    this.log = (opts.logger ?? silentLogger).child({ component: "push-node", node: this.address });
    this.summary = new AttestedSummary(this.log, opts.attestedSummaryMs);
    if (opts.params) this.params = { ...DEFAULT_CHECK_PARAMS, ...opts.params };
    // A test clock (opts.clock) is the node's clock unless the chain clock is asked for.
    this.clockSource = opts.clockSource ?? (opts.clock ? "wall" : defaultClockSource(opts.chainId));
    this.accepts = new Set(faultClassList(opts.accept));
    this.accepted = this.metrics.counter("pushnode_messages_accepted_total", "Messages attested", ["fault"]);
    this.refused = this.metrics.counter("pushnode_messages_refused_total", "Messages refused", ["reason"]);
    this.metrics.collect("pushnode_feed_head", "gauge", "Highest feed position", () => store.head().position);
    this.metrics.collect("pushnode_index_cursor_block", "gauge", "Last block in the chain index", () =>
      BigInt(index.scanner.cursor?.number ?? -1),
    );
    registerRpcMetrics(this.metrics, rpc, "pushnode_rpc");
  }

  /** The system clock, unix seconds (or the test clock). The chain index's freshness is measured with it. */
  wallNow(): bigint {
    return this.opts.clock ? this.opts.clock() : nowSec();
  }

  /**
   * The node's clock, unix seconds: what attestedAt carries and message timestamps are checked against.
   * With the "chain" clock, the later of the wall clock and the latest block's timestamp.
   */
  now(): bigint {
    const wall = this.wallNow();
    if (this.clockSource === "chain" && this.chainHead && this.chainHead.timestamp > wall)
      return this.chainHead.timestamp;
    return wall;
  }

  /** Latest-block reads before messages (chain clock): each starts after its caller asked, shared. */
  private readonly headReads = new FreshRead(() => this.readChainHead());

  /**
   * Reads the latest block's number and timestamp with a read that starts after this call (so a time jump
   * made before the call is seen), shared with the other callers waiting (src/node/fresh-read.ts): at most
   * one RPC call per round trip however many messages arrive at once. Throws on RPC failure.
   */
  freshChainHead(): Promise<void> {
    return this.headReads.get();
  }

  /** Reads the latest block's number and timestamp. Throws on RPC failure. */
  async readChainHead(): Promise<void> {
    const b = await this.rpc.request<{ number?: unknown; timestamp?: unknown } | null>(
      "eth_getBlockByNumber",
      ["latest", false],
    );
    if (b && typeof b.timestamp === "string" && typeof b.number === "string")
      this.chainHead = { number: Number.parseInt(b.number, 16), timestamp: BigInt(b.timestamp) };
  }

  /**
   * The clock state: which clock the node trusts, the wall clock, the chain's latest block time, and the
   * difference. Not ok when the node uses the wall clock and it is more than the maximum clock skew from
   * chain time (messages dated by clients that follow the chain would be refused, attestations misdated).
   */
  clockState(): ClockJson {
    const wall = this.wallNow();
    const head = this.chainHead;
    const diff = head ? wall - head.timestamp : null;
    const skew = this.params?.maxClockSkew;
    const off =
      this.clockSource === "wall" &&
      !this.opts.clock &&
      diff !== null &&
      skew !== undefined &&
      (diff > skew || -diff > skew);
    return {
      source: this.clockSource,
      now: this.now().toString(),
      wall: wall.toString(),
      chainTime: head ? head.timestamp.toString() : null,
      chainBlock: head ? head.number : null,
      wallMinusChain: diff === null ? null : diff.toString(),
      ok: !off,
      ...(off
        ? {
            reason:
              `The node's wall clock is ${diff! > 0n ? diff : -diff!} s ${diff! > 0n ? "ahead of" : "behind"} the chain's latest block time ` +
              `(block ${head!.number}), more than the maximum clock skew of ${skew} s: fix the system clock (NTP) or the RPC endpoint; ` +
              `on a development chain with time travel run the node with the chain clock.`,
          }
        : {}),
    };
  }

  get metricsRegistry(): MetricsRegistry {
    return this.metrics;
  }

  /** Validation parameters in force (undefined until read from Slashing). */
  currentParams(): CheckParams | undefined {
    return this.params && { ...this.params };
  }

  // ------------------------------------------------------------ chain loop

  /** One round: index poll, own status at head, Slashing parameters. Throws on RPC failure. */
  async refresh(): Promise<void> {
    await this.index.poll();
    await this.readChainHead();
    const [active] = CALLS.decodeFunctionResult(
      "isActive",
      await this.rpc.request<string>("eth_call", [
        { to: this.opts.nodeRegistry, data: CALLS.encodeFunctionData("isActive", [this.address]) },
        "latest",
      ]),
    );
    this.headActive = { value: Boolean(active), at: Date.now() };
    if (!this.opts.params) {
      try {
        const raw = await this.rpc.request<string>("eth_call", [
          { to: this.opts.slashing, data: CALLS.encodeFunctionData("params", []) },
          "latest",
        ]);
        const [p] = CALLS.decodeFunctionResult("params", raw);
        this.params = {
          stateLag: BigInt(p.stateLag),
          maxContentSize: Number(p.maxContentSize),
          maxClockSkew: BigInt(p.maxClockSkew),
        };
        this.paramsError = undefined;
      } catch (e) {
        this.paramsError = `could not read Slashing.params() at ${this.opts.slashing}: ${errorText(e)}`;
        throw e;
      }
    }
  }

  start(): void {
    this.chainLoop.start(this.opts.pollIntervalMs ?? 2000);
    this.summary.start();
  }

  async stop(): Promise<void> {
    await this.chainLoop.stop();
    await this.index.stop();
    this.summary.stop();
  }

  // ------------------------------------------------------------ readiness

  /** Whether the node may attest now, and if not, the HTTP status and the sentence to answer. */
  readiness(now: bigint = this.now()): Readiness {
    const f = this.index.freshness();
    if (!f)
      return { ok: false, status: 503, reason: "The node has not read the chain yet; try again shortly." };
    if (!this.params) {
      return {
        ok: false,
        status: 503,
        reason: `The node does not know the validation parameters yet (${this.paramsError ?? "not read yet"}).`,
      };
    }
    const clock = this.clockState();
    if (!clock.ok) return { ok: false, status: 503, reason: clock.reason! };
    // Freshness is measured on the clock the index's polls are timed with (the wall clock).
    const unseen =
      this.index.unseenSince(this.opts.clock || this.clockSource === "wall" ? now : this.wallNow()) ?? 0n;
    const margin = BigInt(this.opts.freshnessMarginSec ?? 15);
    if (unseen + margin >= this.params.stateLag) {
      return {
        ok: false,
        status: 503,
        reason:
          `The node's view of the chain is too old to attest: it may miss changes from ${unseen} s ago ` +
          `(index at block ${f.cursorBlock}, head ${f.head}, ${this.opts.confirmations} confirmations), ` +
          `and the state lag is ${this.params.stateLag} s.`,
      };
    }
    const rec = this.index.node(this.address);
    if (!rec)
      return {
        ok: false,
        status: 403,
        reason: `Node ${this.address} is not registered in the NodeRegistry (at ${this.opts.confirmations} confirmations); it does not attest.`,
      };
    if (rec.status !== NodeStatus.Active)
      return {
        ok: false,
        status: 403,
        reason: `Node ${this.address} is ${nodeStatusName(rec.status)} on chain; only Active nodes attest.`,
      };
    const staleMs = this.opts.headStatusMaxAgeMs ?? Math.max(30_000, 3 * (this.opts.pollIntervalMs ?? 2000));
    if (!this.headActive || Date.now() - this.headActive.at > staleMs)
      return {
        ok: false,
        status: 503,
        reason: "The node could not check its status at the chain head recently.",
      };
    if (!this.headActive.value)
      return {
        ok: false,
        status: 403,
        reason: `Node ${this.address} is no longer Active at the chain head; it does not attest.`,
      };
    return { ok: true };
  }

  // ------------------------------------------------------------ messages

  /** Validates, attests and stores an envelope (JSON body). Throws HttpError with a sentence. */
  async submit(body: unknown): Promise<{ status: number; response: SubmitResponse }> {
    if (this.clockSource === "chain") {
      // The chain's time may have jumped since the last poll (time travel): read it now.
      try {
        await this.freshChainHead();
      } catch (e) {
        this.log.warn("could not read the chain head's time; using the last one seen", {
          error: errorText(e),
        });
      }
    }
    const now = this.now();
    const ready = this.readiness(now);
    if (!ready.ok) {
      this.refused.inc({ reason: ready.status === 403 ? "NOT_ACTIVE" : "NOT_READY" });
      throw new HttpError(ready.status, ready.reason);
    }
    const params = this.params as CheckParams;
    if (body === undefined) {
      this.refused.inc({ reason: "SCHEMA" });
      throw new HttpError(400, "The request body must be an envelope (JSON object); it is empty.");
    }
    let envelope;
    try {
      // Under MALFORMED injection a content over the limit must still decode (it is the fault).
      envelope = decodeEnvelope(body, {
        maxContentBytes: this.accepts.has("MALFORMED") ? undefined : params.maxContentSize,
      });
    } catch (e) {
      if (e instanceof EnvelopeDecodeError) {
        this.refused.inc({ reason: "SCHEMA" });
        throw new HttpError(400, capitalise(e.message) + ".", { field: e.field });
      }
      throw e;
    }
    const digest = messageDigest(envelope);
    const signatureHash = signatureHashOf(envelope.signature);
    const held = this.store.findMessage(digest, signatureHash);
    if (held) return { status: 200, response: this.response(held, true, null) };

    // attestedAt = max(last attestedAt in the feed, now): never decreasing along the feed, even when the
    // clock was set back. The message is validated at the attestedAt it will carry; if another message got a
    // later attestedAt meanwhile, it is validated again at that time.
    let appended: AppendResult | undefined;
    let acceptedFault: string | undefined;
    for (let attempt = 0; appended === undefined; attempt++) {
      const attestedAt = this.store.nextAttestedAt(this.now());
      acceptedFault = await this.validate(envelope, params, attestedAt, digest);
      const cid = await cidOf(envelope.content);
      const equivocate = this.accepts.has("EQUIVOCATION");
      try {
        appended = this.store.append({
          envelope,
          digest,
          signatureHash,
          cid,
          attestedAt,
          acceptedFault,
          sequenceFor: (position, last, sequenceAt) =>
            equivocate && position % 2n === 0n ? sequenceAt(position - 1n) : last + 1n,
          sign: (a) => this.sign(a),
        });
      } catch (e) {
        if (!(e instanceof AttestedAtMovedError)) throw e;
        if (attempt >= 4) {
          this.refused.inc({ reason: "BUSY" });
          throw new HttpError(503, "The node is attesting many messages at once; try again shortly.");
        }
      }
    }
    if (!appended.duplicate) {
      const reused = this.accepts.has("EQUIVOCATION") && appended.item.position % 2n === 0n;
      this.accepted.inc({ fault: acceptedFault ?? (reused ? "EQUIVOCATION" : "none") });
      this.summary.record(appended.item.position, "envelope", acceptedFault !== undefined || reused);
      if (this.log.enabled("debug"))
        this.log.debug("attested", {
          position: appended.item.position,
          sequence: appended.item.attestation.sequence,
          digest,
          cid: appended.item.cid,
          attestedAt: appended.item.attestation.attestedAt,
          ...(acceptedFault ? { acceptedFault } : {}),
        });
    }
    return {
      status: appended.duplicate ? 200 : 201,
      response: this.response(appended.item, appended.duplicate, appended.acceptedFault),
    };
  }

  /**
   * checkMessage at `attestedAt`. Returns undefined for a valid message, the fault code when fault injection
   * accepts it, or throws the HttpError refusing it (422 with the fault code and rule).
   */
  private async validate(
    envelope: Envelope,
    params: CheckParams,
    attestedAt: bigint,
    digest: string,
  ): Promise<string | undefined> {
    let result;
    try {
      result = await checkMessage(envelope, undefined, { keys: this.index, params, now: attestedAt });
    } catch (e) {
      if (e instanceof CheckContextError) {
        this.log.error("chain index inconsistent", { error: e.message });
        throw new HttpError(503, `The node's chain index is inconsistent (${e.message}); try again later.`);
      }
      throw e;
    }
    if (result.ok) return undefined;
    if (this.accepts.has(result.code)) {
      this.log.warn("fault injection: accepting an invalid message", {
        code: result.code,
        rule: result.rule,
        digest,
      });
      return result.code;
    }
    this.refused.inc({ reason: result.code });
    throw new HttpError(422, `Message refused: ${result.code} (${result.rule}): ${result.reason}.`, {
      code: result.code,
      rule: result.rule,
    });
  }

  /**
   * The Push Chat API's attestor: a Push message is validated with the chain index's keys at the attestation
   * time it will carry (after the same readiness checks as envelopes), then attested into the feed inside the
   * transaction that stores it (same database), with the next sequence and header timestamp = attestedAt.
   */
  pushAttestor(): PushMessageAttestor {
    return { begin: () => this.beginPush() };
  }

  private async beginPush(): Promise<PushAttestTicket> {
    if (this.clockSource === "chain") {
      try {
        await this.freshChainHead();
      } catch (e) {
        this.log.warn("could not read the chain head's time; using the last one seen", {
          error: errorText(e),
        });
      }
    }
    const ready = this.readiness(this.now());
    if (!ready.ok) {
      this.refused.inc({ reason: ready.status === 403 ? "NOT_ACTIVE" : "NOT_READY" });
      throw new HttpError(ready.status, ready.reason);
    }
    const attestedAt = this.store.nextAttestedAt(this.now());
    const equivocate = this.accepts.has("EQUIVOCATION");
    // what commit attested, counted and logged once its transaction committed
    let attested: { out: AppendPushResult; cid: string; chatId: string; fault: string | null } | undefined;
    return {
      keys: chainPushKeyLookup(this.index, attestedAt),
      acceptsFault: (f) => this.accepts.has(f.code),
      retryable: (e) => e instanceof AttestedAtMovedError,
      // Push refusals count with the envelopes' in pushnode_messages_refused_total, by fault class
      refused: (f) => this.refused.inc({ reason: f.code }),
      commit: (m) => {
        const message = pushAttestedMessageOf(m.decoded, m.version, m.sender, m.recipient, {
          timestamp: attestedAt,
          senderKey: m.senderKey,
          recipientKey: m.recipientKey,
          preimageSize: m.preimageSize,
        });
        const out = this.store.appendPush({
          message,
          signature: m.signature,
          body: m.body,
          digest: pushMessageDigest(message, this.domain),
          signatureHash: signatureHashOf(m.signature),
          signatureSize: m.signature.length,
          cid: m.cid,
          sender: m.sender,
          recipient: m.recipient,
          attestedAt,
          acceptedFault: m.acceptedFault ?? undefined,
          sequenceFor: (position, last, sequenceAt) =>
            equivocate && position % 2n === 0n ? sequenceAt(position - 1n) : last + 1n,
          sign: (a) => this.sign(a),
        });
        const reused = equivocate && out.position % 2n === 0n;
        attested = {
          out,
          cid: m.cid,
          chatId: m.chatId,
          fault: m.acceptedFault ?? (reused ? "EQUIVOCATION" : null),
        };
        return JSON.stringify({
          position: out.position.toString(),
          attestation: encodeSignedAttestation(out.attestation),
        });
      },
      committed: () => {
        const a = attested;
        attested = undefined;
        if (!a) return;
        this.accepted.inc({ fault: a.fault ?? "none" });
        this.summary.record(a.out.position, "push", a.fault !== null);
        if (this.log.enabled("debug"))
          this.log.debug("attested a Push message", {
            position: a.out.position.toString(),
            sequence: a.out.attestation.sequence.toString(),
            digest: a.out.attestation.digest,
            cid: a.cid,
            chatId: a.chatId,
            attestedAt: attestedAt.toString(),
            ...(a.fault ? { acceptedFault: a.fault } : {}),
          });
      },
    };
  }

  private response(
    item: { position: bigint; attestation: SignedAttestation; cid: string },
    duplicate: boolean,
    acceptedFault: string | null,
  ): SubmitResponse {
    return {
      attestation: encodeSignedAttestation(item.attestation),
      position: item.position.toString(),
      cid: item.cid,
      duplicate,
      ...(acceptedFault ? { acceptedFault } : {}),
    };
  }

  /** EIP-712 attestation signature, synchronous (called inside the feed transaction). */
  sign(a: Attestation): SignedAttestation {
    return { ...a, signature: this.digestSigner.sign(attestationDigest(a, this.domain)) };
  }

  feedPage(after: bigint, limit: number): FeedPageJson {
    const items = this.store.pageJson(after, limit);
    return {
      node: this.address,
      chainId: this.domain.chainId.toString(),
      verifyingContract: this.domain.verifyingContract,
      items,
      next: items.length > 0 ? items[items.length - 1].position : after.toString(),
      head: this.store.head().position.toString(),
    };
  }

  health(): HealthJson {
    const now = this.now();
    const ready = this.readiness(now);
    const f = this.index.freshness();
    const rec = this.index.node(this.address);
    const head = this.store.head();
    return {
      ok: ready.ok,
      ...(ready.ok ? {} : { reason: ready.reason }),
      node: this.address,
      chainId: this.domain.chainId.toString(),
      verifyingContract: this.domain.verifyingContract,
      status: nodeStatusName(rec?.status ?? NodeStatus.None),
      activeAtHead: this.headActive?.value ?? null,
      accept: this.accepts.size > 0 ? [...this.accepts] : null,
      feed: { head: head.position.toString(), lastSequence: head.sequence.toString() },
      index: {
        cursorBlock: f?.cursorBlock ?? null,
        head: f?.head ?? null,
        confirmations: this.opts.confirmations,
        unseenSeconds: f
          ? (
              this.index.unseenSince(this.opts.clock || this.clockSource === "wall" ? now : this.wallNow()) ??
              0n
            ).toString()
          : null,
      },
      clock: this.clockState(),
      params: this.params
        ? {
            maxContentSize: this.params.maxContentSize,
            maxClockSkew: this.params.maxClockSkew.toString(),
            stateLag: this.params.stateLag.toString(),
          }
        : null,
      ...(this.relay ? { relay: this.relay.status() } : {}),
    };
  }

  // ------------------------------------------------------------ HTTP

  routes(): Route[] {
    return [
      {
        method: "POST",
        path: "/v1/messages",
        handler: async (ctx) => {
          const out = await this.submit(ctx.body);
          return { status: out.status, json: out.response };
        },
      },
      { method: "GET", path: "/v1/feed", handler: (ctx) => ({ json: this.feedPage(...feedQuery(ctx)) }) },
      {
        method: "GET",
        path: "/v1/content/:cid",
        handler: async (ctx) => {
          const cid = ctx.params.cid;
          try {
            await contentHashOfCid(cid);
          } catch (e) {
            throw new HttpError(
              400,
              `Malformed CID: ${errorText(e)}; expected a CIDv1 raw sha2-256 (bafkrei...).`,
            );
          }
          const bytes = this.store.content(cid);
          if (!bytes) throw new HttpError(404, `No content with CID ${cid} on this node.`);
          return { text: Buffer.from(bytes), contentType: "application/octet-stream" };
        },
      },
      {
        method: "GET",
        path: "/v1/health",
        handler: () => {
          const h = this.health();
          return { status: h.ok ? 200 : 503, json: h };
        },
      },
      metricsRoute(this.metrics),
    ];
  }
}

function feedQuery(ctx: RequestContext): [bigint, number] {
  const afterRaw = ctx.query.get("after") ?? "0";
  if (!/^(0|[1-9][0-9]{0,19})$/.test(afterRaw) || BigInt(afterRaw) > (1n << 64n) - 1n)
    throw new HttpError(
      400,
      `Query parameter "after" must be a feed position (a decimal uint64), got "${afterRaw.slice(0, 40)}".`,
    );
  const limitRaw = ctx.query.get("limit");
  let limit = DEFAULT_FEED_LIMIT;
  if (limitRaw !== null) {
    if (!/^[1-9][0-9]{0,9}$/.test(limitRaw))
      throw new HttpError(
        400,
        `Query parameter "limit" must be a positive integer, got "${limitRaw.slice(0, 40)}".`,
      );
    limit = Math.min(Number(limitRaw), MAX_FEED_LIMIT);
  }
  return [BigInt(afterRaw), limit];
}

function nowSec(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function normalizeKey(k: string): string {
  const hex = k.startsWith("0x") ? k : `0x${k}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
    throw new Error("The signer key must be 32 bytes of hex (0x + 64 hex digits).");
  getBytes(hex);
  return hex;
}

/** Default body cap: the maximum content size in base64, plus room for the other fields. */
export function defaultBodyLimit(maxContentSize: number): number {
  return Math.ceil(maxContentSize / 3) * 4 + 64 * 1024;
}

/**
 * Starts a Push Node: checks the chain (and refuses fault injection on chains 1 and 137), opens the data
 * directory, starts the chain loop and the HTTP server on 127.0.0.1. The node answers 503 to messages
 * until it has read the chain.
 */
export async function startPushNode(opts: PushNodeOptions): Promise<RunningPushNode> {
  // ethers' keccak256 is pure JS (a few hundred µs per message: digests of the 1-5 KiB Push fields); the
  // native sponge of the `keccak` dependency gives the same bytes (checked on probes) several times faster.
  useNativeKeccak();
  const log = opts.logger ?? silentLogger;
  if (!Number.isInteger(opts.confirmations) || opts.confirmations < 0)
    throw new Error("confirmations must be a non-negative integer.");
  // Refuse before anything touches the chain or the disk.
  assertFaultInjectionAllowed(opts.chainId, opts.accept);
  const rpc = await RpcClient.connect({
    urls: opts.rpcUrls,
    expectedChainId: opts.chainId,
    timeoutMs: opts.rpcTimeoutMs,
    logger: log,
  });
  assertFaultInjectionAllowed(rpc.chainId as bigint, opts.accept);
  const db = openDatabase({
    dataDir: path.resolve(opts.dataDir),
    file: NODE_DB_FILE,
    migrations: NODE_MIGRATIONS,
  });
  // Group commit (src/node/wal-sync.ts): commits do not block on the disk; answers wait for a shared fsync.
  const walSync = opts.groupCommit === true ? WalSync.open(db, db.name) : undefined;
  const checkpointer =
    opts.backgroundCheckpoint === false
      ? undefined
      : BackgroundCheckpointer.start(db, db.name, {
          onError: (e) =>
            log.warn("WAL checkpoints are back on the node's own connection", { error: errorText(e) }),
        });
  const closeDb = () => {
    void checkpointer?.close();
    walSync?.close();
    if (db.open) db.close();
  };
  let server: RunningHttpServer | undefined;
  let node: PushNode | undefined;
  let chat: OpenPushChat | undefined;
  let relay: ProfileRelay | undefined;
  try {
    const store = new NodeStore(db);
    const index = new ChainIndex({
      db,
      rpc,
      chainId: opts.chainId,
      keyRegistry: opts.keyRegistry,
      nodeRegistry: opts.nodeRegistry,
      startBlock: opts.startBlock,
      confirmations: opts.confirmations,
      logger: log,
    });
    node = new PushNode(opts, rpc, db, store, index);
    store.bindIdentity({
      signer: node.address,
      chainId: opts.chainId.toString(),
      verifyingContract: node.domain.verifyingContract,
    });
    if (opts.pushChat !== false) {
      const old = path.join(path.resolve(opts.dataDir), PUSHCHAT_DB_FILE);
      if (fs.existsSync(old))
        throw new Error(
          `${old} holds Push Chat data of an earlier version, kept apart from the feed; the node now keeps chat ` +
            "and feed in pushnode.sqlite (one transaction per message): move that file away to start.",
        );
      const n = node;
      if (opts.relay) {
        const r = new ProfileRelay(opts.relay, {
          rpc,
          onChain: (address, keyHash) => index.keyRecord(address, keyHash) !== undefined,
          // Twice: a poll already under way when the relay was mined may have missed its block.
          afterMined: async () => {
            await n.refresh().catch(() => undefined);
            await n.refresh();
          },
          logger: log,
        });
        relay = r;
        node.relay = r;
      }
      const commits = node.metrics.counter(
        "pushnode_push_message_commits_total",
        "Transactions that stored Push messages (messages per commit = accepted / commits)",
      );
      chat = await pushChatOver(db, {
        logger: log,
        maxMessagesPerCommit: opts.messagesPerCommit,
        onMessagesCommitted: () => commits.inc(),
        ...(opts.pushChat ?? {}),
        attestMessage: node.pushAttestor(),
        ...(relay ? { relayProfile: (p, client) => relay!.relay(p, client) } : {}),
      });
    }
    // A first round now, so the node is ready at once and the body cap fits the parameters on chain.
    try {
      await node.refresh();
    } catch (e) {
      log.warn("first chain refresh failed; the node retries in the background", { error: errorText(e) });
    }
    const maxContent = node.currentParams()?.maxContentSize ?? DEFAULT_CHECK_PARAMS.maxContentSize;
    server = await startHttpServer({
      routes: [...node.routes(), ...(chat ? pushChatRoutes(chat.service) : [])].map((r) =>
        walSync ? walSync.wrap(r) : r,
      ),
      port: opts.port ?? 0,
      bodyLimitBytes: opts.bodyLimitBytes ?? defaultBodyLimit(maxContent),
      logger: log,
    });
    node.start();
  } catch (e) {
    await server?.close();
    chat?.close();
    closeDb();
    throw e;
  }
  const running = node;
  const http = server;
  const accept = faultClassList(opts.accept);
  log.info("push node listening", {
    url: http.url,
    node: running.address,
    accept: accept.length ? accept : null,
  });
  let closed = false;
  return {
    url: http.url,
    port: http.port,
    address: running.address,
    node: running,
    pushChat: chat,
    relay,
    close: async () => {
      if (closed) return;
      closed = true;
      await http.close();
      await running.stop();
      chat?.close();
      closeDb();
    },
    durable: () => walSync?.durable() ?? Promise.resolve(),
  };
}
