import { expect } from "chai";
import fc from "fast-check";
import { sentMessageJson } from "../../src/pushchat/service";

/** The answer to a send (sentMessageJson) is the text JSON.stringify({...document, cid, chatId}) writes. */
describe("Push Chat API: the answer to a send", function () {
  const expected = (document: string, cid: string, chatId: string) =>
    JSON.stringify({ ...(JSON.parse(document) as Record<string, unknown>), cid, chatId });

  it("equals JSON.stringify of the document with cid and chatId, for any document object", function () {
    const key = fc.oneof(fc.string(), fc.constantFrom("cid", "chatId", "link", "timestamp", '"cid":'));
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue()), fc.string(), fc.string(), (doc, cid, chatId) => {
        const document = JSON.stringify(doc);
        expect(sentMessageJson({ document, cid, chatId })).to.equal(expected(document, cid, chatId));
      }),
      { numRuns: 500 },
    );
  });

  it("a stored document as the node writes it, the empty object, and members named cid or chatId", function () {
    const doc = JSON.stringify({
      fromDID: "eip155:0xA",
      messageContent: 'a "cid": inside',
      timestamp: 1,
      link: null,
    });
    for (const document of [
      doc,
      "{}",
      JSON.stringify({ cid: "old", x: 1 }),
      JSON.stringify({ chatId: "c", y: [] }),
    ])
      expect(sentMessageJson({ document, cid: "bagaa", chatId: "0xchat" })).to.equal(
        expected(document, "bagaa", "0xchat"),
      );
  });
});
