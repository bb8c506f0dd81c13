// A loopback OAuth 2.1 authorization server for tests/auth: node-oidc-provider with
// client credentials and resource indicators, issuing JWT access tokens, or opaque
// ones (for clients marked "opaque") that its introspection endpoint checks and its
// revocation endpoint revokes.
// Usage: node provider.mjs CONFIG.json; prints "listening PORT" once it serves.
// CONFIG: {"port": 0, "keys": [private JWKs, the first signs], "clients": [...]}
// where a client is {"id", "secret", "scope", "ttl", "opaque"} (ttl: its tokens'
// lifetime, s; opaque: true for opaque access tokens).
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const scopes = new Set(config.clients.flatMap((c) => c.scope.split(" ")));
const ttl = new Map(config.clients.map((c) => [c.id, c.ttl ?? 300]));
const opaque = new Set(config.clients.filter((c) => c.opaque).map((c) => c.id));

const provider = new Provider(`http://127.0.0.1:${config.port}`, {
  clients: config.clients.map((c) => ({
    client_id: c.id,
    client_secret: c.secret,
    grant_types: ["client_credentials"],
    response_types: [],
    redirect_uris: [],
    scope: c.scope,
  })),
  jwks: { keys: config.keys },
  scopes: [...scopes],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Any resource asked for gets an access token with it as audience: a JWT,
      // or an opaque one for an "opaque" client.
      getResourceServerInfo: (ctx, resource, client) => ({
        scope: [...scopes].join(" "),
        audience: resource,
        accessTokenFormat: opaque.has(client.clientId) ? "opaque" : "jwt",
        accessTokenTTL: ttl.get(client.clientId),
        jwt: { sign: { alg: config.keys[0].alg ?? "RS256" } },
      }),
    },
  },
});
const server = provider.listen(config.port, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
