// Gas of the Push Chat message proofs (PushProofs -> Slashing.slashPushFault), from receipts on the Hardhat network
// (default hardfork), through the Slashing proxy, with the SDK vectors of test/fixtures/push (RSA-2048 keys made by
// @pushprotocol/restapi 1.7.32). Each proof hits a fresh Active node; the figure is the reveal alone (its
// commitment mined in an earlier block), sent by a watcher that has reported before and not yet claimed (as the
// main figures of scripts/bench/slashing.ts).
import type { ContractTransactionResponse } from "ethers";
import { getBytes, hexlify } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return Number(receipt.gasUsed);
}

export default async function bench(hre: HardhatRuntimeEnvironment): Promise<Record<string, number>> {
  void hre;
  const f = await import("../../test/push/proofs-fixture");
  const w = await f.deployPushWorld();
  const out: Record<string, number> = {};
  const enc = f.vector("pgpv3-pgp-ascii");
  const plain = f.vector("pgpv3-plaintext-ascii");

  // UNAUTHORIZED_SENDER: carol's key named as alice's. A first proof (not measured) credits the watcher and writes
  // the vault's totals for the first time.
  const unauthorized = async () => {
    const m = await f.attestedOf(w, enc);
    m.header.senderKey = w.users.carol.keyHash;
    return f.attestPush(w, await w.registerNode(), m, f.signatureOf(enc));
  };
  const warm = await unauthorized();
  await (await w.proofs.provePushUnauthorizedSender(...f.hashedArgs(warm), warm.claim)).wait();
  const p1 = await unauthorized();
  out.provePushUnauthorizedSender = await gasOf(
    w.proofs.provePushUnauthorizedSender(...f.hashedArgs(p1), p1.claim),
  );

  // BAD_SIGNATURE, encrypted 1.3 KiB preimage: (a) the SDK's signature over a twin with another messageType;
  // (b) the right message with its RSA signature corrupted in its last byte (full modular exponentiation).
  const twinBody = f.bodyOf(enc);
  twinBody.messageType = "Image";
  const p2 = await f.attestPush(
    w,
    await w.registerNode(),
    await f.attestedOf(w, enc, twinBody),
    f.signatureOf(enc),
  );
  out["provePushBadSignature.pgp.twin"] = await gasOf(
    w.proofs.provePushBadSignature(...f.fullArgs(p2), p2.signature, w.users.alice.publicKey, p2.claim),
  );
  const corrupt = getBytes(enc.signature);
  corrupt[corrupt.length - 1] ^= 1;
  const p3 = await f.attestPush(w, await w.registerNode(), await f.attestedOf(w, enc), corrupt);
  out["provePushBadSignature.pgp"] = await gasOf(
    w.proofs.provePushBadSignature(...f.fullArgs(p3), hexlify(corrupt), w.users.alice.publicKey, p3.claim),
  );
  const long = f.vector("pgpv3-pgp-long");
  const corruptLong = getBytes(long.signature);
  corruptLong[corruptLong.length - 1] ^= 1;
  const pl = await f.attestPush(w, await w.registerNode(), await f.attestedOf(w, long), corruptLong);
  out["provePushBadSignature.pgp.13KiB"] = await gasOf(
    w.proofs.provePushBadSignature(
      ...f.fullArgs(pl),
      hexlify(corruptLong),
      w.users.alice.publicKey,
      pl.claim,
    ),
  );
  const corruptPlain = getBytes(plain.signature);
  corruptPlain[corruptPlain.length - 1] ^= 1;
  const p4 = await f.attestPush(w, await w.registerNode(), await f.attestedOf(w, plain), corruptPlain);
  out["provePushBadSignature.plaintext"] = await gasOf(
    w.proofs.provePushBadSignature(
      ...f.fullArgs(p4),
      hexlify(corruptPlain),
      w.users.alice.publicKey,
      p4.claim,
    ),
  );

  // MALFORMED: by the fields (toCAIP10 lower-cased: all field rules but the last run), and by the hashes.
  const mb = f.bodyOf(enc);
  mb.toCAIP10 = mb.toDID.toLowerCase();
  const p5 = await f.attestPush(
    w,
    await w.registerNode(),
    await f.attestedOf(w, enc, mb),
    f.signatureOf(enc),
  );
  out.provePushMalformed = await gasOf(w.proofs.provePushMalformed(...f.fullArgs(p5), p5.claim));
  const m6 = await f.attestedOf(w, enc);
  m6.header.preimageSize = 1 << 20;
  const p6 = await f.attestPush(w, await w.registerNode(), m6, f.signatureOf(enc));
  out.provePushMalformedHashed = await gasOf(
    w.proofs.provePushMalformedHashed(...f.hashedArgs(p6), p6.claim),
  );

  // WRONG_ENCRYPTION: pgp to a key that is not the recipient's.
  const m7 = await f.attestedOf(w, enc);
  m7.header.recipientKey = w.users.carol.keyHash;
  const p7 = await f.attestPush(w, await w.registerNode(), m7, f.signatureOf(enc));
  out.provePushWrongEncryption = await gasOf(
    w.proofs.provePushWrongEncryption(...f.hashedArgs(p7), "0x" + "00".repeat(32), p7.claim),
  );

  return out;
}
