import path from "node:path";

/**
 * Points the UNMODIFIED Push Chat SDK (`@pushprotocol/restapi`, a devDependency: tests and the demo) at one of
 * our nodes. The SDK's `env: "local"` reads its base URL at every call from the exported object
 * `API_BASE_URL` of `@pushprotocol/restapi/src/lib/config.js` ("http://localhost:4000/apis"); `pointSdkAt`
 * sets that entry, in memory, to `<baseUrl>/apis`: no SDK file is modified and every SDK function runs as
 * published, over real HTTP. Returns a function that restores the previous URL.
 */
export function pointSdkAt(baseUrl: string): () => void {
  const sdkDir = path.dirname(require.resolve("@pushprotocol/restapi/package.json"));
  const config = require(path.join(sdkDir, "src/lib/config")) as { API_BASE_URL: Record<string, string> };
  const previous = config.API_BASE_URL.local;
  config.API_BASE_URL.local = `${baseUrl}/apis`;
  return () => {
    config.API_BASE_URL.local = previous;
  };
}
