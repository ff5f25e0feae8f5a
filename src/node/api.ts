/**
 * The Push Node HTTP API (v1): JSON shapes and a small client, shared by the node, the client tasks and
 * the validator. All uint64 values are decimal strings; envelopes and attestations use the message
 * library's JSON (README "Message standard").
 *
 *   POST /v1/messages            body: an envelope            -> 201 SubmitResponse (200 if already held)
 *   GET  /v1/feed?after=&limit=  feed page                    -> 200 FeedPage
 *   GET  /v1/content/<cid>       content bytes (octet-stream) -> 200 | 400 malformed CID | 404 unknown
 *   GET  /v1/health              node and chain-index state   -> 200 Health (503 when it cannot attest)
 *   GET  /metrics                Prometheus text
 *
 * Errors: 4xx/5xx with `{ "error": "<sentence>", ...details }` (details: `field` for schema errors,
 * `code` and `rule` for refused messages).
 *
 * Feed paging: items are in feed order, each with its `position` (1, 2, 3, ...). `after` is a position;
 * pass the page's `next` to continue. Items are envelopes (FeedItemJson) or Push Chat SDK messages
 * (PushFeedItemJson, `kind: "push"`), in one sequence. For an honest node the position of an item equals its attestation's
 * `sequence`; only a node run with `--accept EQUIVOCATION` serves items whose sequence differs.
 */
import { getBytes, isHexString } from "ethers";
import { decodeEnvelope, decodeSignedAttestation } from "../message";
import type { Envelope, EnvelopeJson, SignedAttestation, SignedAttestationJson } from "../message";
import type { FaultClass } from "./faults";
import { decodePushAttested } from "../message/push";
import type { PushAttestedMessage, PushAttestedMessageJson } from "../message/push";

export interface SubmitResponse {
  attestation: SignedAttestationJson;
  /** Feed position of the message. */
  position: string;
  /** CIDv1 (raw, sha2-256) the content is served under. */
  cid: string;
  /** True when the node already held this exact message (same digest and signature); nothing new signed. */
  duplicate: boolean;
  /** Only under fault injection: the fault class of the invalid message the node accepted. */
  acceptedFault?: string;
}

export interface FeedItemJson {
  position: string;
  envelope: EnvelopeJson;
  attestation: SignedAttestationJson;
  cid: string;
}

/**
 * A feed item of a Push Chat SDK message (docs/push-format.md): the attested struct (what PushProofs
 * recomputes the digest from), the binary OpenPGP signature de-armored from its verificationProof, and the
 * body as the SDK posted it. `cid` is the message's CID in the Push Chat API (`/apis/v1/ipfs/<cid>`).
 * The attestation is in the same sequence as envelopes (equivocation applies across both).
 */
export interface PushFeedItemJson {
  position: string;
  kind: "push";
  push: {
    message: PushAttestedMessageJson;
    /** 0x hex of the binary OpenPGP signature packet(s). */
    signature: string;
    /** The message body as the SDK posted it. */
    body: Record<string, unknown>;
  };
  attestation: SignedAttestationJson;
  cid: string;
}

export interface FeedPageJson {
  /** The node's signer address (node id). */
  node: string;
  chainId: string;
  /** The attestation domain's verifyingContract (the Slashing proxy). */
  verifyingContract: string;
  items: Array<FeedItemJson | PushFeedItemJson>;
  /** The position to pass as `after` for the next page (the last item's, or `after` when empty). */
  next: string;
  /** The highest position in the feed ("0" when empty). */
  head: string;
}

export interface HealthJson {
  ok: boolean;
  /** Why the node cannot attest right now (absent when ok). */
  reason?: string;
  node: string;
  chainId: string;
  verifyingContract: string;
  /** Status on chain at the confirmation depth (None, Active, Jailed, Exiting, Exited, Banned). */
  status: string;
  activeAtHead: boolean | null;
  /** Fault classes accepted by fault injection (`--accept`), or null for an honest node. */
  accept: FaultClass[] | null;
  feed: { head: string; lastSequence: string };
  index: {
    cursorBlock: number | null;
    head: number | null;
    confirmations: number;
    /** Seconds since the oldest chain change the index may not have seen. */
    unseenSeconds: string | null;
  };
  /** The clock the node dates attestations with, and how it compares with the chain's time. */
  clock: ClockJson;
  params: { maxContentSize: number; maxClockSkew: string; stateLag: string } | null;
  /** The Push profile relayer (absent without `--relayer-key`): its account, gateway and gas spent in the window. */
  relay?: { relayer: string; gateway: string; gasSpent: string; gasBudget: string; budgetWindowSec: number };
}

/** The clock state in /v1/health (unix seconds as decimal strings). */
export interface ClockJson {
  /** "chain": the later of the wall clock and the latest block's time (development chains); "wall": the system clock. */
  source: "chain" | "wall";
  /** The node's clock: what a new message's timestamp is checked against and attestedAt carries. */
  now: string;
  wall: string;
  /** Timestamp and number of the latest block the node has seen (null before the first read). */
  chainTime: string | null;
  chainBlock: number | null;
  wallMinusChain: string | null;
  /** False when the node uses the wall clock and it is more than maxClockSkew from chain time. */
  ok: boolean;
  reason?: string;
}

export interface FeedItem {
  position: bigint;
  envelope: Envelope;
  attestation: SignedAttestation;
  cid: string;
}

/** A Push feed item, decoded. */
export interface PushFeedItem {
  position: bigint;
  message: PushAttestedMessage;
  /** The binary OpenPGP signature. */
  signature: Uint8Array;
  body: Record<string, unknown>;
  attestation: SignedAttestation;
  cid: string;
}

/** Whether a served feed item is a Push Chat SDK message. */
export function isPushFeedItemJson(i: FeedItemJson | PushFeedItemJson): i is PushFeedItemJson {
  return (i as { kind?: unknown }).kind === "push";
}

/** Decodes a served Push feed item; throws (PushAttestedDecodeError or Error) when it is off-schema. */
export function decodePushFeedItem(i: PushFeedItemJson): PushFeedItem {
  const p = i.push as unknown as Record<string, unknown> | null;
  if (typeof p !== "object" || p === null)
    throw new Error(`Push feed item ${i.position} has no "push" object`);
  if (typeof p.signature !== "string" || !isHexString(p.signature) || p.signature.length < 4)
    throw new Error(`Push feed item ${i.position}: "push.signature" must be 0x hex bytes`);
  if (typeof p.body !== "object" || p.body === null || Array.isArray(p.body))
    throw new Error(`Push feed item ${i.position}: "push.body" must be an object`);
  return {
    position: BigInt(i.position),
    message: decodePushAttested(p.message),
    signature: getBytes(p.signature),
    body: p.body as Record<string, unknown>,
    attestation: decodeSignedAttestation(i.attestation),
    cid: i.cid,
  };
}

export interface FeedPage {
  node: string;
  chainId: bigint;
  verifyingContract: string;
  /** The envelope items of the page. */
  items: FeedItem[];
  /** The Push Chat SDK items of the page (same sequence as `items`; merge by position for feed order). */
  pushItems: PushFeedItem[];
  next: bigint;
  head: bigint;
}

/** An HTTP error answer of a node (status and its `error` sentence). */
export class NodeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly url: string,
  ) {
    const msg =
      body !== null && typeof body === "object" && typeof (body as { error?: unknown }).error === "string"
        ? (body as { error: string }).error
        : typeof body === "string"
          ? body.slice(0, 200)
          : "no error message";
    super(`${url} answered ${status}: ${msg}`);
    this.name = "NodeApiError";
  }
}

export interface NodeClientOptions {
  /** Per-request timeout in ms (default 15000). */
  timeoutMs?: number;
}

/** A client of one node's API. Decodes (and so schema-checks) what the node serves. */
export class NodeClient {
  readonly baseUrl: string;
  constructor(
    baseUrl: string,
    private readonly opts: NodeClientOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const url = this.baseUrl + path;
    return fetch(url, { ...init, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000) });
  }

  private async json<T>(path: string, init: RequestInit = {}, ok: number[] = [200]): Promise<T> {
    const res = await this.call(path, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    if (!ok.includes(res.status)) throw new NodeApiError(res.status, body, this.baseUrl + path);
    return body as T;
  }

  /** Posts an envelope (its JSON); resolves with the node's attestation. */
  async submit(envelope: EnvelopeJson): Promise<SubmitResponse> {
    return this.json<SubmitResponse>(
      "/v1/messages",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(envelope) },
      [200, 201],
    );
  }

  /** One feed page as served (JSON). */
  async feedJson(after: bigint = 0n, limit?: number): Promise<FeedPageJson> {
    const q = new URLSearchParams({ after: after.toString() });
    if (limit !== undefined) q.set("limit", String(limit));
    return this.json<FeedPageJson>(`/v1/feed?${q.toString()}`);
  }

  /**
   * One feed page, decoded; throws EnvelopeDecodeError (or PushAttestedDecodeError) if the node serves
   * something off-schema. Envelopes in `items`, Push Chat SDK messages in `pushItems`.
   */
  async feed(after: bigint = 0n, limit?: number): Promise<FeedPage> {
    const page = await this.feedJson(after, limit);
    return {
      node: page.node,
      chainId: BigInt(page.chainId),
      verifyingContract: page.verifyingContract,
      items: page.items
        .filter((i): i is FeedItemJson => !isPushFeedItemJson(i))
        .map((i) => ({
          position: BigInt(i.position),
          envelope: decodeEnvelope(i.envelope),
          attestation: decodeSignedAttestation(i.attestation),
          cid: i.cid,
        })),
      pushItems: page.items.filter(isPushFeedItemJson).map(decodePushFeedItem),
      next: BigInt(page.next),
      head: BigInt(page.head),
    };
  }

  /** Content bytes by CID; null when the node answers 404. */
  async content(cid: string): Promise<Uint8Array | null> {
    const res = await this.call(`/v1/content/${encodeURIComponent(cid)}`);
    if (res.status === 404) return null;
    if (res.status !== 200) {
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text
      }
      throw new NodeApiError(res.status, body, `${this.baseUrl}/v1/content/${cid}`);
    }
    return new Uint8Array(await res.arrayBuffer());
  }

  /** The health report (also when the node answers 503, which means it cannot attest now). */
  async health(): Promise<HealthJson> {
    return this.json<HealthJson>("/v1/health", {}, [200, 503]);
  }
}
