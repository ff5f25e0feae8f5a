import { expect } from "chai";
import {
  PushAttestedDecodeError,
  decodePushAttested,
  decodePushMessage,
  encodePushAttested,
  pushAttestedMessageOf,
  pushMessageDigest,
} from "../../src/message/push";
import messagesJson from "../fixtures/push/messages.json";

const domain = { chainId: 31337n, verifyingContract: "0x" + "11".repeat(20) };

describe("attested Push message JSON", () => {
  const m = (() => {
    const v = messagesJson.messages[0];
    const body = decodePushMessage(v.body);
    return pushAttestedMessageOf(body, "pgpv3", body.fromDID.slice(7), body.toDID.slice(7), {
      timestamp: 1_700_000_000n,
      senderKey: "0x" + "aa".repeat(32),
      recipientKey: null,
    });
  })();

  it("round-trips every SDK vector's attested struct through JSON text with the same digest", () => {
    for (const v of messagesJson.messages) {
      const body = decodePushMessage(v.body);
      const a = pushAttestedMessageOf(body, "pgpv3", body.fromDID.slice(7), body.toDID.slice(7), {
        timestamp: 1_700_000_000n,
        senderKey: "0x" + "aa".repeat(32),
        recipientKey: "0x" + "bb".repeat(32),
      });
      const back = decodePushAttested(JSON.parse(JSON.stringify(encodePushAttested(a))));
      expect(pushMessageDigest(back, domain), v.name).to.equal(pushMessageDigest(a, domain));
      expect(back.header.timestamp).to.equal(1_700_000_000n);
    }
  });

  it("names the field it refuses", () => {
    const j = encodePushAttested(m);
    const cases: [string, (x: ReturnType<typeof encodePushAttested>) => void][] = [
      ["message.header.from", (x) => (x.header.from = "0x1234")],
      ["message.header.timestamp", (x) => (x.header.timestamp = "18446744073709551616")],
      ["message.header.senderKey", (x) => (x.header.senderKey = "0xabcd")],
      ["message.body.fromDID", (x) => (x.body.fromDID = "eip155:0x")],
      ["message.body.messageObj.kind", (x) => (x.body.messageObj.kind = 5)],
      ["message.body.sessionKey", (x) => ((x.body as Record<string, unknown>).sessionKey = null)],
    ];
    for (const [field, mutate] of cases) {
      const copy = JSON.parse(JSON.stringify(j)) as ReturnType<typeof encodePushAttested>;
      mutate(copy);
      expect(() => decodePushAttested(copy), field)
        .to.throw(PushAttestedDecodeError)
        .with.property("field", field);
    }
  });
});
