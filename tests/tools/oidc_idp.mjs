#!/usr/bin/env node
// SPDX-License-Identifier: EUPL-1.2
// oidc_idp.mjs CONFIG_JSON
// An OpenID Connect provider for the integration tests: npm oidc-provider on
// 127.0.0.1 (a free port), with its development login and consent forms (any
// login name with any password signs in as the account of that name).
// CONFIG_JSON: {"clients": [{"client_id", "client_secret", "redirect_uris"}],
//               "users": {"<login>": {"email", "email_verified", "acr"?}}}
// Prints "oidc_idp: listening on http://127.0.0.1:PORT" once ready; runs until
// SIGTERM. Exit 2 on a usage or setup error.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = process.env.RATHAUS_TOOLS_DIR || path.join(os.homedir(), '.cache/rathaus-tools');

if (process.argv.length !== 3) {
  console.error('usage: oidc_idp.mjs CONFIG_JSON');
  process.exit(2);
}
const config = JSON.parse(process.argv[2]);
try {
  execFileSync(path.join(here, 'setup'), ['node'], { stdio: ['ignore', 'inherit', 'inherit'] });
} catch {
  console.error(`oidc_idp.mjs: setup failed; run ${path.join(here, 'setup')}`);
  process.exit(2);
}
const entry = path.join(cache, 'node_modules/oidc-provider/lib/index.js');
const { default: Provider } = await import(pathToFileURL(entry).href);

const server = (await import('node:http')).createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients.map((c) => ({
    ...c,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], acr: null },
  cookies: { keys: ['rathaus-test-only'] },
  async findAccount(ctx, id) {
    const user = config.users[id];
    if (!user) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...user }) };
  },
});
server.on('request', provider.callback());
console.log(`oidc_idp: listening on ${issuer}`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
