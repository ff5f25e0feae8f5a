import { expect } from "chai";
import { getBytes } from "ethers";
import { decodeSignedAttestation, recoverAttestationSigner, signatureHashOf } from "../../src/message";
import { decodePushAttested, pushMessageDigest } from "../../src/message/push";
import { NodeClient } from "../../src/node/api";
import { keyHashOf } from "../../src/message/pgp-key";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { sharedChain } from "../pushnode/shared-chain";
import { deployGateway, deployProtocol, fundedWallet } from "../pushnode/fixture";
import type { Protocol } from "../pushnode/fixture";
import { sdkUser } from "../push/sdk";
import { call, errorOf, messageBody, newWallet, pointSdkAt } from "./helpers";
import type { KeyedUser } from "./helpers";
import {
  forgedMessageNode,
  postProfile,
  pushItems,
  registeredSdkUsers,
  startChainNode,
} from "./chain-fixture";
import { ProfileRelay } from "../../src/node/profile-relay";
import { verifyPushProfile } from "../../src/message/push";
import type { VerifiedProfile } from "../../src/pushchat";
import type { HttpError } from "../../src/http/server";
import type { ChainNode } from "./chain-fixture";

/**
 * The Push Chat SDK through a Push Node on a real chain (`npx hardhat node`, the protocol and the
 * PushProfileGateway deployed): profiles reach the KeyRegistry through the node's relayer, every accepted
 * message is attested into the node's feed (digest = pushMessageDigest of the served struct, signed by the
 * node, in the feed's sequence), tampered messages are refused with nothing stored, a node with
 * `--accept BAD_SIGNATURE` attests a forged one; the relay's per-client limit and gas budget.
 */

interface SdkUserApi {
  account: string;
  decryptedPgpPvtKey: string;
  chat: {
    send(to: string, m: { content: string }): Promise<{ cid: string }>;
    accept(target: string): Promise<unknown>;
    history(target: string): Promise<Array<{ messageContent: string }>>;
  };
}
const { PushAPI } = require("@pushprotocol/restapi") as {
  PushAPI: { initialize(signer: unknown, o: { env: string }): Promise<SdkUserApi> };
};

describe("Push Chat SDK through a Push Node on a real chain", function () {
  this.timeout(900_000);
  let chain: HardhatNode;
  let p: Protocol;
  let gateway: string;
  let honest: ChainNode;
  let restore: (() => void) | undefined;
  const nodes: ChainNode[] = [];
  const aliceW = newWallet();
  const bobW = newWallet();
  let alice: SdkUserApi;
  let bob: SdkUserApi;
  const keyed: Record<string, KeyedUser> = {};
  const profiles: Record<string, Record<string, unknown>> = {};
  let dave: Awaited<ReturnType<typeof sdkUser>>;

  async function keyedOf(w: typeof aliceW, u: SdkUserApi): Promise<KeyedUser> {
    const did = `eip155:${w.address}`;
    const rec = (await call(honest.running.url, "GET", `/apis/v2/users/?caip10=${did}`)).json as {
      publicKey: string;
      encryptedPrivateKey: string;
      verificationProof: string;
    };
    profiles[w.address] = {
      caip10: did,
      did,
      publicKey: rec.publicKey,
      encryptedPrivateKey: rec.encryptedPrivateKey,
      verificationProof: rec.verificationProof,
    };
    return {
      wallet: w,
      did,
      privateKeyArmored: u.decryptedPgpPvtKey,
      publicKeyArmored: (JSON.parse(rec.publicKey) as { key: string }).key,
    };
  }

  function count(n: ChainNode, table: string): number {
    return (n.running.pushChat!.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  before(async () => {
    chain = await sharedChain();
    p = await deployProtocol(chain);
    gateway = await deployGateway(p);
    const relayer = await fundedWallet(p);
    honest = await startChainNode(p, {
      relay: {
        gateway,
        relayerKey: relayer.privateKey,
        // alice, bob, then one more: the fourth profile from this client is refused (429)
        perClient: { max: 3, windowSec: 3600 },
      },
    });
    nodes.push(honest);
    restore = pointSdkAt(honest.running.url);
  });
  after(async () => {
    restore?.();
    for (const n of nodes) await n.close();
    p?.provider.destroy();
  });

  it("two SDK users initialise: their profiles are stored and reach the KeyRegistry through the gateway", async () => {
    alice = await PushAPI.initialize(aliceW, { env: "local" });
    bob = await PushAPI.initialize(bobW, { env: "local" });
    keyed.alice = await keyedOf(aliceW, alice);
    keyed.bob = await keyedOf(bobW, bob);
    const index = honest.running.node.index;
    for (const w of [aliceW, bobW]) {
      const keys = index.activeKeysOf(w.address, 1n << 40n);
      expect(keys, w.address).to.have.length(1);
      const armored = (JSON.parse(profiles[w.address].publicKey as string) as { key: string }).key;
      const { dearmorPublicKey } = await import("../../src/message/push");
      expect(keys[0].keyHash).to.equal(keyHashOf((await dearmorPublicKey(armored))!));
      // and on the contract itself
      expect(await p.keyRegistry.isActiveAt(w.address, keys[0].keyHash, 1n << 40n)).to.equal(true);
    }
    expect(BigInt(honest.running.relay!.status().gasSpent)).to.be.greaterThan(400_000n);
    const health = await new NodeClient(honest.running.url).health();
    expect(health.relay?.gateway).to.equal(gateway);
    expect(health.relay?.gasSpent).to.equal(honest.running.relay!.status().gasSpent);
  });

  it("they chat; every accepted message is in the feed, attested by the node over pushMessageDigest", async () => {
    const sent = [await alice.chat.send(bobW.address, { content: "hello over the chain" })];
    await bob.chat.accept(aliceW.address);
    sent.push(await bob.chat.send(aliceW.address, { content: "hi alice" }));
    sent.push(await alice.chat.send(bobW.address, { content: "attested?" }));
    expect((await alice.chat.history(bobW.address)).map((m) => m.messageContent)).to.deep.equal([
      "attested?",
      "hi alice",
      "hello over the chain",
    ]);
    const items = await pushItems(honest.running.url);
    expect(items.map((i) => i.cid)).to.deep.equal(sent.map((s) => s.cid));
    const domain = honest.running.node.domain;
    const params = honest.running.node.currentParams()!;
    let lastAt = 0n;
    for (const [n, item] of items.entries()) {
      const att = decodeSignedAttestation(item.attestation);
      const message = decodePushAttested(item.push.message);
      expect(item.position).to.equal(String(n + 1));
      expect(att.sequence).to.equal(BigInt(n + 1));
      expect(att.digest).to.equal(pushMessageDigest(message, domain));
      expect(recoverAttestationSigner(att, domain)).to.equal(honest.running.address);
      expect(att.signatureHash).to.equal(signatureHashOf(getBytes(item.push.signature)));
      expect(att.signatureSize).to.equal(getBytes(item.push.signature).length);
      const skew = message.header.timestamp - att.attestedAt;
      expect(skew <= params.maxClockSkew && -skew <= params.maxClockSkew).to.equal(true);
      expect(att.attestedAt >= lastAt).to.equal(true);
      lastAt = att.attestedAt;
      const from = n === 1 ? bobW : aliceW;
      const to = n === 1 ? aliceW : bobW;
      expect(message.header.from).to.equal(from.address);
      expect(message.header.to).to.equal(to.address);
      expect(message.header.senderKey).to.equal(
        honest.running.node.index.activeKeysOf(from.address, att.attestedAt)[0].keyHash,
      );
      expect(message.header.recipientKey).to.equal(
        honest.running.node.index.activeKeysOf(to.address, att.attestedAt)[0].keyHash,
      );
      expect(item.push.body.fromDID).to.equal(`eip155:${from.address}`);
      // the chat row keeps the attestation record
      expect(honest.running.pushChat!.store.message(item.cid)?.attestation).to.contain(
        item.attestation.signature,
      );
    }
    // the node's FeedPage client reads Push items
    const page = await new NodeClient(honest.running.url).feed(0n);
    expect(page.items).to.have.length(0);
    expect(page.pushItems.map((i) => i.cid)).to.deep.equal(sent.map((s) => s.cid));
  });

  it("a tampered SDK message is refused by the honest node: nothing stored, nothing attested", async () => {
    const valid = await messageBody(keyed.alice, keyed.bob.did, "tamper me", [
      keyed.bob.publicKeyArmored,
      keyed.alice.publicKeyArmored,
    ]);
    const before = [count(honest, "messages"), count(honest, "feed")];
    const refusedBefore = await refusedCount(honest.running.url, "BAD_SIGNATURE");
    const r = await call(honest.running.url, "POST", "/apis/v1/chat/message", {
      ...valid,
      messageObj: (valid.messageObj as string) + "eA==",
    });
    expect(r.status, errorOf(r)).to.equal(422);
    expect(errorOf(r)).to.match(/BAD_SIGNATURE/);
    expect([count(honest, "messages"), count(honest, "feed")]).to.deep.equal(before);
    // counted with the envelopes' refusals in the node's metrics
    expect(await refusedCount(honest.running.url, "BAD_SIGNATURE")).to.equal(refusedBefore + 1);
  });

  it("over the per-client limit a profile is stored and served but not relayed (429); its messages are refused with a sentence", async () => {
    const carol = await sdkUser(); // the third relay from this client: allowed
    expect((await call(honest.running.url, "POST", "/apis/v2/users/", carol.profile)).status).to.equal(201);
    dave = await sdkUser(); // the fourth: refused by the per-client limit
    const r = await call(honest.running.url, "POST", "/apis/v2/users/", dave.profile);
    expect(r.status, errorOf(r)).to.equal(429);
    expect(errorOf(r)).to.match(/stored and served.*limit per client/);
    const rec = await call(honest.running.url, "GET", `/apis/v2/users/?caip10=${dave.profile.did}`);
    expect((rec.json as { did: string }).did).to.equal(dave.profile.did);
    expect(honest.running.node.index.activeKeysOf(dave.wallet.address, 1n << 40n)).to.have.length(0);

    const daveKeyed: KeyedUser = {
      wallet: dave.wallet,
      did: dave.profile.did,
      privateKeyArmored: dave.armoredPrivateKey,
      publicKeyArmored: dave.armoredPublicKey,
    };
    const before = [count(honest, "messages"), count(honest, "feed")];
    const m = await call(
      honest.running.url,
      "POST",
      "/apis/v1/chat/request",
      await messageBody(daveKeyed, keyed.bob.did, "not on chain yet", [
        keyed.bob.publicKeyArmored,
        dave.armoredPublicKey,
      ]),
    );
    expect(m.status, errorOf(m)).to.equal(403);
    expect(errorOf(m)).to.match(
      /UNAUTHORIZED_SENDER.*stored on this node, but its key .* is not active on chain yet/,
    );
    expect([count(honest, "messages"), count(honest, "feed")]).to.deep.equal(before);
  });

  it("a node run with --accept BAD_SIGNATURE stores and attests a forged SDK message", async () => {
    // users registered on chain directly through the gateway (what the watchers' tests start from)
    const [from, to] = await registeredSdkUsers(p, gateway, 2);
    const { node, item, body } = await forgedMessageNode(p, from, to, [from.profile, to.profile]);
    nodes.push(node);
    const att = decodeSignedAttestation(item.attestation);
    const message = decodePushAttested(item.push.message);
    expect(att.digest).to.equal(pushMessageDigest(message, node.running.node.domain));
    expect(recoverAttestationSigner(att, node.running.node.domain)).to.equal(node.running.address);
    expect(item.push.body.messageObj).to.equal(body.messageObj);
    expect(message.header.senderKey).to.equal(
      node.running.node.index.activeKeysOf(from.wallet.address, att.attestedAt)[0].keyHash,
    );
    expect(message.header.recipientKey).to.equal(
      node.running.node.index.activeKeysOf(to.wallet.address, att.attestedAt)[0].keyHash,
    );
    expect(node.running.pushChat!.store.message(item.cid)).to.not.equal(undefined);
    // the honest node refuses the same forged body, and the valid one is what was signed
    await postProfile(honest.running.url, from.profile).catch(() => undefined);
    await postProfile(honest.running.url, to.profile).catch(() => undefined);
    await honest.running.node.refresh(); // its chain index has seen both registrations
    const r = await call(honest.running.url, "POST", "/apis/v1/chat/request", body);
    expect(r.status, errorOf(r)).to.equal(422);
    expect(errorOf(r)).to.match(/BAD_SIGNATURE/);
  });

  it("a node run with --accept UNAUTHORIZED_SENDER,WRONG_ENCRYPTION attests messages signed by, or encrypted to, a key that is not on chain", async () => {
    const node = await startChainNode(p, { accept: ["UNAUTHORIZED_SENDER", "WRONG_ENCRYPTION"] });
    nodes.push(node);
    await postProfile(node.running.url, profiles[bobW.address]);
    await postProfile(node.running.url, dave.profile as unknown as Record<string, unknown>);
    const daveKeyed: KeyedUser = {
      wallet: dave.wallet,
      did: dave.profile.did,
      privateKeyArmored: dave.armoredPrivateKey,
      publicKeyArmored: dave.armoredPublicKey,
    };
    const body = await messageBody(daveKeyed, keyed.bob.did, "my key is not registered", [
      keyed.bob.publicKeyArmored,
      dave.armoredPublicKey,
    ]);
    const r = await call(node.running.url, "POST", "/apis/v1/chat/request", body);
    expect(r.status, errorOf(r)).to.equal(200);
    const [item] = await pushItems(node.running.url);
    const att = decodeSignedAttestation(item.attestation);
    const message = decodePushAttested(item.push.message);
    expect(att.digest).to.equal(pushMessageDigest(message, node.running.node.domain));
    const { dearmorPublicKey } = await import("../../src/message/push");
    const daveKey = keyHashOf((await dearmorPublicKey(dave.armoredPublicKey))!);
    expect(message.header.senderKey).to.equal(daveKey);
    expect(node.running.node.index.keyRecord(dave.wallet.address, daveKey)).to.equal(undefined);
    expect(message.header.recipientKey).to.equal(
      node.running.node.index.activeKeysOf(bobW.address, att.attestedAt)[0].keyHash,
    );
    // alice (on chain) to dave (stored, not on chain): pgp to a recipient without an active key
    await postProfile(node.running.url, profiles[aliceW.address]);
    const toDave = await messageBody(keyed.alice, dave.profile.did, "to an unregistered key", [
      dave.armoredPublicKey,
      keyed.alice.publicKeyArmored,
    ]);
    const w = await call(node.running.url, "POST", "/apis/v1/chat/request", toDave);
    expect(w.status, errorOf(w)).to.equal(200);
    const second = (await pushItems(node.running.url))[1];
    const m2 = decodePushAttested(second.push.message);
    expect(m2.header.recipientKey).to.equal(daveKey);
    expect(m2.header.senderKey).to.equal(
      node.running.node.index.activeKeysOf(aliceW.address, BigInt(second.attestation.attestedAt))[0].keyHash,
    );
    expect(decodeSignedAttestation(second.attestation).sequence).to.equal(2n);
    // a forged signature is still refused by this node (it does not accept BAD_SIGNATURE)
    const forged = await messageBody(keyed.alice, keyed.bob.did, "x", [keyed.bob.publicKeyArmored]);
    const f = await call(node.running.url, "POST", "/apis/v1/chat/request", {
      ...forged,
      messageObj: (forged.messageObj as string) + "eA==",
    });
    expect(f.status, errorOf(f)).to.equal(422);
    expect(await pushItems(node.running.url)).to.have.length(2);
  });

  it("a node run with --accept EQUIVOCATION signs two Push messages with one sequence", async () => {
    const node = await startChainNode(p, { accept: ["EQUIVOCATION"] });
    nodes.push(node);
    await postProfile(node.running.url, profiles[aliceW.address]);
    await postProfile(node.running.url, profiles[bobW.address]);
    const keys = [keyed.bob.publicKeyArmored, keyed.alice.publicKeyArmored];
    for (const [path, text] of [
      ["/apis/v1/chat/request", "one"],
      ["/apis/v1/chat/message", "two"],
    ]) {
      const r = await call(
        node.running.url,
        "POST",
        path,
        await messageBody(keyed.alice, keyed.bob.did, text, keys),
      );
      expect(r.status, errorOf(r)).to.equal(200);
    }
    const items = await pushItems(node.running.url);
    const atts = items.map((i) => decodeSignedAttestation(i.attestation));
    expect(items.map((i) => i.position)).to.deep.equal(["1", "2"]);
    expect(atts.map((a) => a.sequence)).to.deep.equal([1n, 1n]);
    expect(atts[0].digest).to.not.equal(atts[1].digest);
    for (const a of atts)
      expect(recoverAttestationSigner(a, node.running.node.domain)).to.equal(node.running.address);
  });

  it("the per-wallet relay limit: a second key of the same wallet is not relayed (429)", async () => {
    const relayer = await fundedWallet(p);
    const relay = new ProfileRelay(
      { gateway, relayerKey: relayer.privateKey, perAddress: { max: 1, windowSec: 3600 } },
      { rpc: p.rpc, onChain: () => false },
    );
    const w = newWallet();
    const verified = async (u: Awaited<ReturnType<typeof sdkUser>>): Promise<VerifiedProfile> => {
      const v = await verifyPushProfile(u.profile);
      if (!v.ok) throw new Error(v.reason);
      return {
        address: v.address,
        keyHash: v.keyHash,
        publicKey: v.publicKey,
        body: u.profile as unknown as Record<string, unknown>,
        signedHex: v.signedHex,
        walletSignature: v.walletSignature,
      };
    };
    const first = await verified(await sdkUser(w));
    await relay.relay(first, "client-a");
    expect(await p.keyRegistry.isActiveAt(w.address, first.keyHash, 1n << 40n)).to.equal(true);
    await relay.relay(first, "client-b"); // the same key again: nothing sent, no limit consumed
    const second = await verified(await sdkUser(w));
    let error: unknown;
    try {
      await relay.relay(second, "client-b");
    } catch (e) {
      error = e;
    }
    expect((error as HttpError).status).to.equal(429);
    expect((error as Error).message).to.match(
      /already had 1 profile relays in the last hour \(the limit per wallet\)/,
    );
    expect(await p.keyRegistry.isActiveAt(w.address, second.keyHash, 1n << 40n)).to.equal(false);
  });

  it("the gas budget: once spent, a profile is stored but the relay answers 503 with a sentence", async () => {
    const relayer = await fundedWallet(p);
    const tight = await startChainNode(p, {
      relay: { gateway, relayerKey: relayer.privateKey, gasBudget: { gas: 700_000n, windowSec: 3600 } },
    });
    nodes.push(tight);
    const first = await sdkUser();
    expect((await call(tight.running.url, "POST", "/apis/v2/users/", first.profile)).status).to.equal(201);
    expect(tight.running.node.index.activeKeysOf(first.wallet.address, 1n << 40n)).to.have.length(1);
    const second = await sdkUser();
    const r = await call(tight.running.url, "POST", "/apis/v2/users/", second.profile);
    expect(r.status, errorOf(r)).to.equal(503);
    expect(errorOf(r)).to.match(
      /stored and served.*gas budget for relaying profiles \(700000 gas per hour\) is spent/,
    );
    expect(
      (await call(tight.running.url, "GET", `/apis/v2/users/?caip10=${second.profile.did}`)).json,
    ).to.not.equal(null);
    expect(tight.running.node.index.activeKeysOf(second.wallet.address, 1n << 40n)).to.have.length(0);
  });
});

/** pushnode_messages_refused_total{reason} from the node's /metrics (0 when not yet counted). */
async function refusedCount(url: string, reason: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^pushnode_messages_refused_total\\{reason="${reason}"\\} (\\d+)`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}
