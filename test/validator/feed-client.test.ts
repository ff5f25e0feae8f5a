import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { FeedClient, FeedError, endpointBase } from "../../src/validator/feed-client";

/** The feed client against a real HTTP server that answers whatever the test wants. */
describe("validator: feed client", function () {
  let server: http.Server;
  let url: string;
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end();

  before(async function () {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  async function failure(p: Promise<unknown>): Promise<FeedError> {
    try {
      await p;
    } catch (e) {
      expect(e).to.be.instanceOf(FeedError);
      return e as FeedError;
    }
    throw new Error("expected a FeedError");
  }

  it("asks for after and limit, and returns the items and the page's claims", async function () {
    let asked = "";
    handler = (req, res) => {
      asked = req.url ?? "";
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ node: "0xabc", chainId: "1", items: [{ position: "8" }], head: "8" }));
    };
    const page = await new FeedClient().feed(url + "/", 7n, 50);
    expect(asked).to.equal("/v1/feed?after=7&limit=50");
    expect(page.items).to.deep.equal([{ position: "8" }]);
    expect(page.meta).to.deep.include({ node: "0xabc", chainId: "1", head: "8" });
  });

  it("types every way a feed request fails", async function () {
    const client = new FeedClient({ timeoutMs: 300, maxFeedBytes: 1000 });
    handler = (_req, res) => res.end("{not json");
    expect((await failure(client.feed(url, 0n, 1))).kind).to.equal("json");
    handler = (_req, res) => res.end("[1,2]");
    expect((await failure(client.feed(url, 0n, 1))).kind).to.equal("shape");
    handler = (_req, res) => res.end('{"items": 3}');
    expect((await failure(client.feed(url, 0n, 1))).kind).to.equal("shape");
    handler = (_req, res) => {
      res.statusCode = 503;
      res.end("busy");
    };
    const http503 = await failure(client.feed(url, 0n, 1));
    expect([http503.kind, http503.status]).to.deep.equal(["http", 503]);
    handler = () => undefined; // never answers
    expect((await failure(client.feed(url, 0n, 1))).kind).to.equal("timeout");
    handler = (req) => req.socket.destroy();
    expect((await failure(client.feed(url, 0n, 1))).kind).to.equal("network");
    handler = (_req, res) => {
      res.setHeader("content-length", "5000");
      res.end("x".repeat(5000));
    };
    expect((await failure(client.feed(url, 0n, 1))).kind, "declared too large").to.equal("too-large");
    handler = (_req, res) => {
      // No content-length: the cap applies while streaming.
      res.write("x".repeat(600));
      res.end("x".repeat(600));
    };
    expect((await failure(client.feed(url, 0n, 1))).kind, "streamed too large").to.equal("too-large");
    expect((await failure(client.feed("ftp://127.0.0.1/", 0n, 1))).kind).to.equal("endpoint");
    expect((await failure(client.feed("not a url", 0n, 1))).kind).to.equal("endpoint");
    expect((await failure(client.feed("http://u:p@127.0.0.1/", 0n, 1))).kind).to.equal("endpoint");
  });

  it("fetches content by CID: bytes, null on 404, an error otherwise", async function () {
    const client = new FeedClient();
    handler = (req, res) => {
      if (req.url === "/v1/content/bafkreione") return res.end(Buffer.from([1, 2, 3]));
      res.statusCode = req.url === "/v1/content/bafkreitwo" ? 404 : 400;
      res.end("{}");
    };
    expect(await client.content(url, "bafkreione")).to.deep.equal(new Uint8Array([1, 2, 3]));
    expect(await client.content(url, "bafkreitwo")).to.equal(null);
    expect((await failure(client.content(url, "bad"))).kind).to.equal("http");
  });

  it("normalises registered endpoints", function () {
    expect(endpointBase(" https://node.example.org/api/ ")).to.equal("https://node.example.org/api");
    expect(endpointBase("http://127.0.0.1:8700")).to.equal("http://127.0.0.1:8700");
  });
});
