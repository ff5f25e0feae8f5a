import { expect } from "chai";
import {
  CheckContextError,
  checkMessage,
  decodeEnvelope,
  decodeSignedAttestation,
  describeAnyVerdict,
  recogniseMessage,
  validateAnyMessage,
} from "../../src/message";
import type { AnyMessageResult, CheckResult } from "../../src/message";
import { validatePushMessage } from "../../src/message/push";
import type { PushValidateResult } from "../../src/message/push";
import envelopes from "../vectors/envelopes.json";
import { vectorRegistry } from "./helpers";
import { copyBody, messageVectors, profile, profileVectors, pushLookup, twinsOf } from "./push-fixtures";

/** The comparable part of a verdict: valid or the fault's class, rule and reason (plus the state-lag excuses). */
function ownVerdict(r: CheckResult | PushValidateResult): object {
  const excused = "excused" in r ? r.excused.map((f) => f.rule) : [];
  return r.ok ? { ok: true, excused } : { ok: false, code: r.code, rule: r.rule, reason: r.reason, excused };
}

function anyVerdict(r: AnyMessageResult): object {
  if (!r.ok && r.refused) expect.fail(`refused: ${r.reason}`);
  const excused = r.format === "envelope" ? r.result.excused.map((f) => f.rule) : [];
  return r.ok ? { ok: true, excused } : { ok: false, code: r.code, rule: r.rule, reason: r.reason, excused };
}

function refusal(r: AnyMessageResult): { format: string | null; reason: string } {
  if (r.ok || !r.refused) expect.fail(`expected a refusal, got ${describeAnyVerdict(r)}`);
  return { format: r.format, reason: r.reason };
}

describe("validateAnyMessage: one function for both formats", function () {
  this.timeout(120_000);
  const ctx = () => ({ envelope: { keys: vectorRegistry() }, push: { keys: pushLookup() } });
  const carolDid = `eip155:${profile("carol").address}`;

  describe("every envelope vector gives checkMessage's verdict", () => {
    for (const c of envelopes.cases) {
      it(c.name, async () => {
        const a = decodeSignedAttestation(c.attestation);
        const own = await checkMessage(decodeEnvelope(c.envelope), a, { keys: vectorRegistry() });
        const r = await validateAnyMessage(c.envelope, { ...ctx(), attestation: a });
        expect(r.ok || !r.refused ? r.format : null).to.equal("envelope");
        expect(anyVerdict(r)).to.deep.equal(ownVerdict(own));
        // JSON text is recognised the same way
        const t = await validateAnyMessage(JSON.stringify(c.envelope), { ...ctx(), attestation: a });
        expect(anyVerdict(t)).to.deep.equal(ownVerdict(own));
      });
    }
    it("the vectors reach valid and every fault class through the dispatcher", async () => {
      const seen = new Set<string>();
      for (const c of envelopes.cases) {
        const a = decodeSignedAttestation(c.attestation);
        const r = await validateAnyMessage(c.envelope, { ...ctx(), attestation: a });
        seen.add(r.ok ? "ok" : r.refused ? "refused" : r.code);
      }
      expect([...seen].sort()).to.deep.equal([
        "BAD_SIGNATURE",
        "MALFORMED",
        "UNAUTHORIZED_SENDER",
        "WRONG_ENCRYPTION",
        "ok",
      ]);
    });
  });

  describe("every Push SDK vector gives validatePushMessage's verdict", () => {
    for (const v of messageVectors) {
      it(v.name, async () => {
        const own = await validatePushMessage(v.body, { keys: pushLookup() });
        const r = await validateAnyMessage(v.body, ctx());
        expect(r.ok || !r.refused ? r.format : null).to.equal("push");
        expect(anyVerdict(r)).to.deep.equal(ownVerdict(own));
        expect(r.ok).to.equal(true);
        const t = await validateAnyMessage(JSON.stringify(v.body), ctx());
        expect(anyVerdict(t)).to.deep.equal(ownVerdict(own));
      });
    }

    it("and so do their twins (one field changed): every Push fault class, with its rule", async () => {
      const seen = new Set<string>();
      for (const v of messageVectors.filter((x) => x.name.endsWith("-ascii"))) {
        for (const twin of twinsOf(copyBody(v.body), v.version, carolDid)) {
          const own = await validatePushMessage(twin.body, { keys: pushLookup() });
          const r = await validateAnyMessage(twin.body, ctx());
          expect(anyVerdict(r), `${v.name} ${twin.field}`).to.deep.equal(ownVerdict(own));
          seen.add(r.ok ? "ok" : r.refused ? "refused" : r.code);
        }
      }
      expect([...seen].sort()).to.deep.equal([
        "BAD_SIGNATURE",
        "MALFORMED",
        "UNAUTHORIZED_SENDER",
        "WRONG_ENCRYPTION",
        "ok",
      ]);
    });

    it("a Push body of the wrong shape is validatePushMessage's MALFORMED BODY (a fault, as that validator says)", async () => {
      const body = copyBody(messageVectors[0].body);
      delete body.verificationProof;
      const r = await validateAnyMessage(body, ctx());
      const own = await validatePushMessage(body, { keys: pushLookup() });
      expect(anyVerdict(r)).to.deep.equal(ownVerdict(own));
      expect(describeAnyVerdict(r)).to.equal(
        'Push SDK message: MALFORMED (BODY): invalid Push message field "verificationProof": missing',
      );
    });
  });

  describe("anything that is neither, or both, is refused with a sentence", () => {
    const envelope = envelopes.cases[0].envelope as Record<string, unknown>;
    const push = messageVectors[0].body as Record<string, unknown>;
    const cases: [string, unknown, RegExp][] = [
      [
        "an envelope with a Push field",
        { ...envelope, fromDID: push.fromDID },
        /^The message is ambiguous: it has envelope fields \(version, from, to, timestamp, \.\.\.\) and Push SDK message fields \(fromDID\); a message is one or the other\.$/,
      ],
      [
        "a Push body with an envelope field",
        { ...push, contentHash: envelope.contentHash },
        /^The message is ambiguous: it has envelope fields \(contentHash\) and Push SDK message fields \(fromDID, toDID, fromCAIP10, toCAIP10, \.\.\.\)/,
      ],
      [
        "an empty object",
        {},
        /^The message is neither an envelope .* nor a Push SDK message body .*: it is an empty object\.$/,
      ],
      [
        "only the shared field",
        { signature: "" },
        /^The message is neither an envelope \(fields version, from, to, timestamp, \.\.\.\) nor a Push SDK message body \(fields fromDID, toDID, fromCAIP10, toCAIP10, \.\.\.\): its fields are signature\.$/,
      ],
      ["other fields", { hello: "world", n: 1 }, /: its fields are hello, n\.$/],
      [
        "a Push profile body",
        profileVectors[0].body,
        /^This is a Push profile body \(caip10, did, publicKey, \.\.\.\), not a message\.$/,
      ],
      ["an array", [envelope], /^A message must be a JSON object, got an array\.$/],
      ["null", null, /^A message must be a JSON object, got null\.$/],
      ["a number", 42, /^A message must be a JSON object, got a number\.$/],
      ["JSON text of a string", '"hello"', /^A message must be a JSON object, got a string\.$/],
      ["text that is not JSON", "{version: 1", /^The message is not JSON \(.+\)\.$/],
    ];
    for (const [name, input, want] of cases) {
      it(name, async () => {
        const r = refusal(await validateAnyMessage(input, ctx()));
        expect(r.format).to.equal(null);
        expect(r.reason).to.match(want);
        expect(recogniseMessage(input).format).to.equal(null);
      });
    }

    it("an envelope whose fields do not decode is refused (the node's 400), naming the field", async () => {
      const r = refusal(await validateAnyMessage({ ...envelope, timestamp: 5 }, ctx()));
      expect(r.format).to.equal("envelope");
      expect(r.reason).to.match(/^invalid envelope field "timestamp": .+\.$/);
      const missing = { ...envelope };
      delete missing.previous;
      expect(refusal(await validateAnyMessage(missing, ctx())).reason).to.equal(
        'invalid envelope field "previous": missing field.',
      );
    });
  });

  describe("the context", () => {
    it("a format without its context, or an attestation with a Push body, is a caller error", async () => {
      const a = decodeSignedAttestation(envelopes.cases[0].attestation);
      await validateAnyMessage(envelopes.cases[0].envelope, { push: { keys: pushLookup() } }).then(
        () => expect.fail("no error"),
        (e: unknown) => expect(e).to.be.instanceOf(CheckContextError),
      );
      await validateAnyMessage(messageVectors[0].body, { envelope: { keys: vectorRegistry() } }).then(
        () => expect.fail("no error"),
        (e: unknown) => expect(e).to.be.instanceOf(CheckContextError),
      );
      await validateAnyMessage(messageVectors[0].body, { ...ctx(), attestation: a }).then(
        () => expect.fail("no error"),
        (e: unknown) => expect((e as Error).message).to.match(/only with an envelope/),
      );
      // A refusal needs no context at all.
      expect(refusal(await validateAnyMessage({}, {})).format).to.equal(null);
    });
  });
});
