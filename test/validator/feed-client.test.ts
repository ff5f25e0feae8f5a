import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { FeedClient, FeedError, endpointBase } from "../../src/validator/feed-client";
import { isPrivateAddress, publicOnlyLookup } from "../../src/validator/endpoint-policy";

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
    const page = await new FeedClient({ allowPrivateEndpoints: true }).feed(url + "/", 7n, 50);
    expect(asked).to.equal("/v1/feed?after=7&limit=50");
    expect(page.items).to.deep.equal([{ position: "8" }]);
    expect(page.meta).to.deep.include({ node: "0xabc", chainId: "1", head: "8" });
  });

  it("types every way a feed request fails", async function () {
    const client = new FeedClient({ timeoutMs: 300, maxFeedBytes: 1000, allowPrivateEndpoints: true });
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
    handler = (_req, res) => {
      res.statusCode = 302;
      res.setHeader("location", "http://169.254.169.254/latest/meta-data/");
      res.end();
    };
    const redirect = await failure(client.feed(url, 0n, 1));
    expect([redirect.kind, redirect.status], "redirects are not followed").to.deep.equal(["http", 302]);
    expect((await failure(client.feed("ftp://127.0.0.1/", 0n, 1))).kind).to.equal("endpoint");
    expect((await failure(client.feed("not a url", 0n, 1))).kind).to.equal("endpoint");
    expect((await failure(client.feed("http://u:p@127.0.0.1/", 0n, 1))).kind).to.equal("endpoint");
  });

  it("fetches content by CID: bytes, null on 404, an error otherwise", async function () {
    const client = new FeedClient({ allowPrivateEndpoints: true });
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

  it("by default fetches from public addresses only: no request reaches a private one", async function () {
    let requests = 0;
    handler = (_req, res) => {
      requests++;
      res.end('{"items": []}');
    };
    const strict = new FeedClient({ timeoutMs: 2000 });
    for (const endpoint of [
      url,
      url.replace("127.0.0.1", "localhost"),
      "http://[::1]:9/",
      "http://10.0.0.1/",
    ]) {
      const e = await failure(strict.feed(endpoint, 0n, 1));
      expect(e.kind, endpoint).to.equal("endpoint");
      expect(e.message, endpoint).to.match(/not a public address/);
    }
    // a name whose answers include one private address is refused before any connection
    const port = new URL(url).port;
    const mixed = new FeedClient({
      resolve: async () => [
        { address: "93.184.216.34", family: 4 },
        { address: "127.0.0.1", family: 4 },
      ],
    });
    expect((await failure(mixed.feed(`http://node.invalid:${port}`, 0n, 1))).kind).to.equal("endpoint");
    const metadata = new FeedClient({ resolve: async () => [{ address: "169.254.169.254", family: 4 }] });
    expect((await failure(metadata.content(`http://node.invalid:${port}`, "bafy"))).kind).to.equal(
      "endpoint",
    );
    expect(requests).to.equal(0);
    // allowed, the same server answers
    await new FeedClient({ allowPrivateEndpoints: true }).feed(url, 0n, 1);
    expect(requests).to.equal(1);
  });

  it("tells public from private, loopback, link-local and reserved addresses", function () {
    const privateOnes = [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "fe80::1",
      "fe80::1%eth0",
      "fc00::1",
      "fd12:3456::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.1",
      "[::1]",
      "not-an-address",
    ];
    const publicOnes = [
      "8.8.8.8",
      "172.32.0.1",
      "93.184.216.34",
      "2606:4700::1111",
      "::ffff:8.8.8.8",
      "2a00:1450::1",
    ];
    for (const a of privateOnes) expect(isPrivateAddress(a), a).to.equal(true);
    for (const a of publicOnes) expect(isPrivateAddress(a), a).to.equal(false);
  });

  it("the connection-time lookup passes public answers through, in the form the socket asks for", async function () {
    const lookup = publicOnlyLookup(async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 },
    ]);
    const one = await new Promise<[string, number]>((resolve, reject) =>
      lookup("node.invalid", { family: 6 }, (e, address, family) =>
        e ? reject(e) : resolve([address as string, family as number]),
      ),
    );
    expect(one).to.deep.equal(["2606:2800:220:1:248:1893:25c8:1946", 6]);
    const all = await new Promise<unknown>((resolve, reject) =>
      lookup("node.invalid", { all: true }, (e, addresses) => (e ? reject(e) : resolve(addresses))),
    );
    expect(all).to.deep.equal([
      { address: "93.184.216.34", family: 4 },
      { address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 },
    ]);
  });
});
