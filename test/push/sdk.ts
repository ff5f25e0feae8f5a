// Real Push Chat SDK (@pushprotocol/restapi 1.7.32) payloads made offline: the SDK's own code runs unmodified, and
// its HTTP helpers (utils/axiosUtil) are answered in process while it runs, so no request leaves the process.
// Profiles come from `user.create` (the body it POSTs to /v2/users/); message bodies from `sendMessagePayloadCore`,
// with a PGP helper that records the hex text the SDK signs (its own preimage hash) and signs nothing.
import { Wallet } from "ethers";

const SDK = "@pushprotocol/restapi/src/lib";

/** The body the SDK POSTs to `/v2/users/` (its key order; `origin` is undefined, so JSON drops it). */
export interface SdkProfile {
  caip10: string;
  did: string;
  publicKey: string;
  encryptedPrivateKey: string;
  verificationProof: string;
}

/** A profile with the wallet that signed it and the armored keys the SDK generated. */
export interface SdkUser {
  wallet: Wallet;
  profile: SdkProfile;
  armoredPublicKey: string;
  armoredPrivateKey: string;
}

/** The signed fields of an SDK message body, as the SDK built them, and the hex text it signed. */
export interface SdkMessage {
  body: Record<string, unknown>;
  signedHex: string;
}

type Responder = (url: string, data?: unknown) => unknown;
interface AxiosUtil {
  axiosGet: (url: string) => Promise<{ data: unknown }>;
  axiosPost: (url: string, data: unknown) => Promise<{ data: unknown }>;
}
interface PgpHelperLike {
  sign(args: { message: string; signingKey: string }): Promise<string>;
  [k: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const axiosUtil = require(`${SDK}/utils/axiosUtil`) as AxiosUtil;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const userApi = require(`${SDK}/user`) as { create(o: { signer: Wallet; env: string }): Promise<unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const payloads = require(`${SDK}/chat/helpers/payloadHelper`) as {
  sendMessagePayloadCore(
    receiver: string,
    sender: { wallets: string; publicKey: string; privateKey: string },
    messageObj: unknown,
    messageContent: string,
    messageType: string,
    group: null,
    env: string,
    pgpHelper: PgpHelperLike,
  ): Promise<Record<string, unknown>>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pgp = require(`${SDK}/chat/helpers/pgp`) as { PGPHelper: PgpHelperLike };

let queue: Promise<unknown> = Promise.resolve();

/** Runs `fn` with the SDK's GET and POST answered by `get` and `post`, one SDK call at a time. */
async function offline<T>(get: Responder, post: Responder, fn: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const saved = { axiosGet: axiosUtil.axiosGet, axiosPost: axiosUtil.axiosPost, warn: console.warn };
    axiosUtil.axiosGet = async (url) => ({ data: get(url) });
    axiosUtil.axiosPost = async (url, data) => ({ data: post(url, data) });
    // The SDK warns about its own deprecated paths (the keyless placeholder user): not the test's output.
    console.warn = () => undefined;
    try {
      return await fn();
    } finally {
      axiosUtil.axiosGet = saved.axiosGet;
      axiosUtil.axiosPost = saved.axiosPost;
      console.warn = saved.warn;
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

/** Makes a profile with the SDK's `user.create` for `wallet` (a fresh one by default). */
export async function sdkUser(wallet: Wallet = Wallet.createRandom() as unknown as Wallet): Promise<SdkUser> {
  let posted: SdkProfile | undefined;
  let created: unknown;
  await offline(
    () => null,
    (url, data) => {
      if (!url.endsWith("/v2/users/")) throw new Error(`unexpected POST ${url}`);
      posted = data as SdkProfile;
      // The record the SDK reads back: the profile as stored.
      return { ...(data as SdkProfile), wallets: (data as SdkProfile).caip10, profile: {} };
    },
    async () => {
      created = await userApi.create({ signer: wallet, env: "local" });
    },
  );
  if (!posted) throw new Error("the SDK posted no profile");
  const p = posted;
  const profile: SdkProfile = {
    caip10: p.caip10,
    did: p.did,
    publicKey: p.publicKey,
    encryptedPrivateKey: p.encryptedPrivateKey,
    verificationProof: p.verificationProof,
  };
  const armoredPublicKey = (JSON.parse(profile.publicKey) as { key: string }).key;
  const armoredPrivateKey = (created as { decryptedPrivateKey: string }).decryptedPrivateKey;
  return { wallet, profile, armoredPublicKey, armoredPrivateKey };
}

/**
 * A message body made by the SDK's `sendMessagePayloadCore` from `sender` to `receiver`: encrypted (`pgp`) when
 * the receiver has a profile, `PlainText` when `receiver` is a bare address without one.
 */
export async function sdkMessage(
  sender: SdkUser,
  receiver: SdkUser | string,
  content: string,
  messageType = "Text",
): Promise<SdkMessage> {
  const signed: string[] = [];
  const helper: PgpHelperLike = {
    ...pgp.PGPHelper,
    async sign({ message }: { message: string }) {
      signed.push(message);
      return "-----BEGIN PGP SIGNATURE-----\n\nunsigned\n-----END PGP SIGNATURE-----\n";
    },
  };
  const to = typeof receiver === "string" ? receiver : receiver.profile.caip10;
  const record =
    typeof receiver === "string"
      ? null
      : {
          ...receiver.profile,
          wallets: receiver.profile.caip10,
          profile: {},
          msgSent: 0,
          maxMsgPersisted: 0,
        };
  const body = await offline(
    (url) => (url.includes("/v2/users/") ? record : null),
    (url, data) => ({ ...(data as object), wallets: to, profile: {} }),
    () =>
      payloads.sendMessagePayloadCore(
        to,
        {
          wallets: sender.profile.caip10,
          publicKey: sender.armoredPublicKey,
          privateKey: sender.armoredPrivateKey,
        },
        { content },
        content,
        messageType,
        null,
        "local",
        helper,
      ),
  );
  const signedHex = signed[signed.length - 1];
  return { body, signedHex };
}
