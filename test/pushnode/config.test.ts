import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet, encryptKeystoreJson } from "ethers";
import {
  ConfigError,
  ENV_BACKGROUND_CHECKPOINT,
  ENV_GROUP_COMMIT,
  ENV_KEYSTORE_PASSWORD,
  ENV_SIGNER_KEY,
  ENV_RELAYER_KEY,
  defaultConfirmations,
  parseRate,
  resolveServeOptions,
} from "../../src/node/config";
import {
  FaultInjectionError,
  assertFaultInjectionAllowed,
  parseFaultClass,
  parseFaultClasses,
} from "../../src/node/faults";

/** node:serve option resolution: deployment file, signer key sources, RPC URLs, confirmations, --accept. */
describe("pushnode: node:serve options", function () {
  let dir: string;
  let file: string;
  const key = Wallet.createRandom().privateKey;

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pushnode-config-"));
    file = path.join(dir, "d.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        network: "localhost",
        chainId: 31337,
        deployBlock: 7,
        deployedAt: "",
        deployer: "0x0000000000000000000000000000000000000001",
        contracts: {
          KeyRegistry: { address: "0x0000000000000000000000000000000000000002" },
          NodeRegistry: { address: "0x0000000000000000000000000000000000000003" },
          Slashing: { address: "0x0000000000000000000000000000000000000004" },
        },
        parameters: {},
      }),
    );
  });

  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ctx = { network: "localhost", networkUrl: "http://127.0.0.1:8545", env: {} };

  it("takes addresses and the start block from the deployment, defaults from the chain", async function () {
    const o = await resolveServeOptions({ deployment: file, signerKey: key }, ctx);
    expect(o).to.deep.include({
      chainId: 31337n,
      keyRegistry: "0x0000000000000000000000000000000000000002",
      nodeRegistry: "0x0000000000000000000000000000000000000003",
      slashing: "0x0000000000000000000000000000000000000004",
      startBlock: 7,
      confirmations: 0,
      port: 8700,
      signerKey: key,
      accept: undefined,
    });
    expect(o.rpcUrls).to.deep.equal(["http://127.0.0.1:8545"]);
    expect(o.dataDir).to.equal(path.resolve(".data", "pushnode-localhost"));
    const more = await resolveServeOptions(
      {
        deployment: file,
        signerKey: key,
        rpc: "http://a:1, https://b/x",
        confirmations: "3",
        accept: "bad-signature",
      },
      ctx,
    );
    expect(more.rpcUrls).to.deep.equal(["http://a:1", "https://b/x"]);
    expect(more).to.deep.include({ confirmations: 3, accept: ["BAD_SIGNATURE"] });
    expect([1, 11155111, 137, 80002, 5].map(defaultConfirmations)).to.deep.equal([12, 6, 32, 16, 12]);
  });

  it("reads the signer key from the environment or an encrypted keystore", async function () {
    const env = await resolveServeOptions({ deployment: file }, { ...ctx, env: { [ENV_SIGNER_KEY]: key } });
    expect(env.signerKey).to.equal(key);
    const w = Wallet.createRandom();
    const ks = path.join(dir, "keystore.json");
    fs.writeFileSync(
      ks,
      await encryptKeystoreJson({ address: w.address, privateKey: w.privateKey }, "pw", {
        scrypt: { N: 1024 },
      }),
    );
    const o = await resolveServeOptions(
      { deployment: file, keystore: ks },
      { ...ctx, env: { [ENV_KEYSTORE_PASSWORD]: "pw" } },
    );
    expect(o.signerKey).to.equal(w.privateKey);
    const shared = await resolveServeOptions(
      { deployment: file, keystore: ks },
      { ...ctx, env: { KEYSTORE_PASSWORD: "pw" } },
    );
    expect(shared.signerKey).to.equal(w.privateKey);
    await expect(
      resolveServeOptions(
        { deployment: file, keystore: ks },
        { ...ctx, env: { [ENV_KEYSTORE_PASSWORD]: "no" } },
      ),
    ).to.be.rejectedWith(ConfigError, /Cannot decrypt the keystore/);
    await expect(resolveServeOptions({ deployment: file, keystore: ks }, ctx)).to.be.rejectedWith(
      `Set ${ENV_KEYSTORE_PASSWORD} (or KEYSTORE_PASSWORD) to decrypt`,
    );
  });

  it("refuses bad options in one sentence", async function () {
    const cases: Array<[Parameters<typeof resolveServeOptions>[0], RegExp]> = [
      [{ deployment: file }, /No signer key: pass --signer-key/],
      [{ deployment: file, signerKey: "0x1234" }, /32 bytes of hex/],
      [{ deployment: file, signerKey: key, keystore: file }, /either --signer-key or --keystore/],
      [{ deployment: file, signerKey: key, rpc: "ftp://x" }, /is not an http\(s\) URL/],
      [{ deployment: file, signerKey: key, port: "70000" }, /--port must be an integer from 0 to 65535/],
      [{ deployment: file, signerKey: key, confirmations: "-1" }, /--confirmations must be an integer/],
      [{ deployment: path.join(dir, "none.json"), signerKey: key }, /No deployment file at/],
      [{ signerKey: key }, /No deployment for network "localhost"/],
    ];
    for (const [args, message] of cases)
      await expect(
        resolveServeOptions(args, { ...ctx, deploymentsDir: dir }),
        JSON.stringify(args),
      ).to.be.rejectedWith(ConfigError, message);
    await expect(
      resolveServeOptions({ deployment: file, signerKey: key }, { network: "x", env: {} }),
    ).to.be.rejectedWith(/No JSON-RPC URL/);
  });

  it("reads PUSH_NODE_BACKGROUND_CHECKPOINT and PUSH_NODE_GROUP_COMMIT as booleans, refusing other values", async function () {
    const withEnv = (env: Record<string, string>) =>
      resolveServeOptions({ deployment: file, signerKey: key }, { ...ctx, env });
    expect((await withEnv({})).backgroundCheckpoint).to.equal(undefined); // the node's default: on
    expect((await withEnv({ [ENV_BACKGROUND_CHECKPOINT]: "0" })).backgroundCheckpoint).to.equal(false);
    expect((await withEnv({ [ENV_BACKGROUND_CHECKPOINT]: "true" })).backgroundCheckpoint).to.equal(true);
    expect((await withEnv({ [ENV_GROUP_COMMIT]: "1" })).groupCommit).to.equal(true);
    await expect(withEnv({ [ENV_BACKGROUND_CHECKPOINT]: "maybe" })).to.be.rejectedWith(
      ConfigError,
      /PUSH_NODE_BACKGROUND_CHECKPOINT="maybe" is not one of 1, 0, true, false/,
    );
  });

  it("parses fault classes and refuses them on chains 1 and 137 only", function () {
    expect(parseFaultClass("unauthorized-sender")).to.equal("UNAUTHORIZED_SENDER");
    expect(() => parseFaultClass("UNAVAILABLE")).to.throw(FaultInjectionError, /not a fault class/);
    expect(() => assertFaultInjectionAllowed(1n, "MALFORMED")).to.throw(/Ethereum mainnet/);
    expect(() => assertFaultInjectionAllowed(137n, "EQUIVOCATION")).to.throw(/Polygon PoS/);
    expect(() => assertFaultInjectionAllowed(137n, undefined)).to.not.throw();
    for (const id of [31337n, 11155111n, 80002n])
      expect(() => assertFaultInjectionAllowed(id, "MALFORMED")).to.not.throw();
    // several classes, comma-separated
    expect(parseFaultClasses("bad-signature, UNAUTHORIZED_SENDER,bad_signature")).to.deep.equal([
      "BAD_SIGNATURE",
      "UNAUTHORIZED_SENDER",
    ]);
    expect(() => parseFaultClasses(" , ")).to.throw(FaultInjectionError, /names no fault class/);
    expect(() => parseFaultClasses("MALFORMED,NOPE")).to.throw(
      FaultInjectionError,
      /"NOPE" is not a fault class/,
    );
    expect(() => assertFaultInjectionAllowed(1n, ["BAD_SIGNATURE", "MALFORMED"])).to.throw(
      /--accept BAD_SIGNATURE,MALFORMED on Ethereum mainnet/,
    );
  });

  it("relay options: the relayer key (option or env), the gateway from the deployment, limits and budget", async function () {
    const relayerKey = Wallet.createRandom().privateKey;
    const withGateway = path.join(dir, "g.json");
    const d = JSON.parse(fs.readFileSync(file, "utf8")) as { contracts: Record<string, { address: string }> };
    d.contracts.PushProfileGateway = { address: "0x0000000000000000000000000000000000000005" };
    fs.writeFileSync(withGateway, JSON.stringify(d));
    // no relayer: profiles are not relayed
    expect((await resolveServeOptions({ deployment: withGateway, signerKey: key }, ctx)).relay).to.equal(
      undefined,
    );
    const o = await resolveServeOptions(
      {
        deployment: withGateway,
        signerKey: key,
        relayerKey,
        relayPerAddress: "2/day",
        relayPerClient: "10 / 600s",
        relayGasBudget: "5000000/hour",
      },
      ctx,
    );
    expect(o.relay).to.deep.equal({
      gateway: "0x0000000000000000000000000000000000000005",
      relayerKey,
      perAddress: { max: 2, windowSec: 86_400 },
      perClient: { max: 10, windowSec: 600 },
      gasBudget: { gas: 5_000_000n, windowSec: 3600 },
    });
    const fromEnv = await resolveServeOptions(
      { deployment: withGateway, signerKey: key },
      { ...ctx, env: { [ENV_RELAYER_KEY]: relayerKey } },
    );
    expect(fromEnv.relay).to.deep.include({ relayerKey, perAddress: undefined, gasBudget: undefined });
    expect(parseRate("x", "3/minute")).to.deep.equal({ count: 3n, windowSec: 60 });
    for (const [args, pattern] of [
      [{ deployment: file, relayerKey }, /PushProfileGateway is not deployed/],
      [{ deployment: withGateway, relayGasBudget: "1/day" }, /need a relayer/],
      [{ deployment: withGateway, relayerKey: "0x12" }, /relayer key must be 32 bytes/],
      [
        { deployment: withGateway, relayerKey, relayPerClient: "ten/hour" },
        /--relay-per-client must be "<count>\/<window>"/,
      ],
      [
        { deployment: withGateway, relayerKey, relayPerAddress: "0/hour" },
        /--relay-per-address must allow 1 to 1000000/,
      ],
      [{ deployment: withGateway, relayerKey, relayGasBudget: "100/week" }, /--relay-gas-budget must be/],
    ] as const) {
      let error: unknown;
      try {
        await resolveServeOptions({ signerKey: key, ...args }, ctx);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(args)).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.match(pattern);
    }
  });
});
