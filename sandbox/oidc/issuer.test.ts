import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RunningSandbox } from '../server';

const CLIENT = { clientId: 'codeflow-test', clientSecret: 'test-secret', redirectUris: ['http://localhost:3999/api/auth/callback/oidc'], postLogoutRedirectUris: ['http://localhost:3999/'] };
const POST_CLIENT = { clientId: 'codeflow-post', clientSecret: 'post-secret', redirectUris: ['http://127.0.0.1:3999/cb'], tokenEndpointAuthMethod: 'client_secret_post' as const };
const REDIRECT = CLIENT.redirectUris[0]!;

/** Just enough of a browser: path-scoped cookies and manual redirects. */
class Browser {
  private cookies: { name: string; value: string; path: string }[] = [];

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const { pathname } = new URL(url);
    const cookie = this.cookies.filter((c) => pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attributes.some((a) => /^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()) || attributes.some((a) => /^max-age=(0|-)/i.test(a));
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired) this.cookies.push({ name: name!, value, path });
    }
    return response;
  }

  /** Follows redirects until one leaves the issuer (for the client's redirect_uri); returns that URL. */
  async followUntilClient(response: Response, base: string): Promise<URL> {
    for (let hop = 0; hop < 10; hop++) {
      assert.ok([302, 303].includes(response.status), `expected a redirect, got ${response.status}: ${await response.text()}`);
      const location = new URL(response.headers.get('location')!, base);
      if (!location.href.startsWith(base)) return location;
      response = await this.fetch(location.href);
    }
    throw new Error('too many redirects');
  }
}

const base64url = (input: Buffer) => input.toString('base64url');
const decodeJwt = (jwt: string) => {
  const [header, payload, signature] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()) as { alg: string; kid: string },
    payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>,
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature!, 'base64url'),
  };
};
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('sandbox OIDC issuer', () => {
  let running: RunningSandbox;
  let issuer: string;
  let discovery: Record<string, string>;

  before(async () => {
    running = await startSandbox({ seed: 7, speed: 0, oidc: { clients: [CLIENT, POST_CLIENT] } });
    issuer = `${running.url}/oidc`;
  });
  after(() => running.close());

  /** Starts an authorization request; returns the browser, its first response and the request's secrets. */
  async function authorize(client: { clientId: string; redirectUris: string[] } = CLIENT) {
    const browser = new Browser();
    const verifier = base64url(randomBytes(32));
    const state = base64url(randomBytes(16));
    const nonce = base64url(randomBytes(16));
    const url = new URL(discovery.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: client.redirectUris[0]!,
      response_type: 'code',
      scope: 'openid profile email groups',
      state,
      nonce,
      code_challenge: base64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    }).toString();
    const response = await browser.fetch(url.href);
    return { browser, response, verifier, state, nonce };
  }

  /** Runs the whole browser side as `user`; returns the callback URL the client receives. */
  async function signIn(user: string, client: { clientId: string; redirectUris: string[] } = CLIENT) {
    const flow = await authorize(client);
    assert.equal(flow.response.status, 303);
    const interaction = new URL(flow.response.headers.get('location')!, running.url);
    const page = await flow.browser.fetch(interaction.href);
    assert.equal(page.status, 200);
    const login = await flow.browser.fetch(`${interaction.href}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user }),
    });
    const callback = await flow.browser.followUntilClient(login, running.url);
    return { ...flow, callback, html: await page.text() };
  }

  const token = (params: Record<string, string>, auth = basic(CLIENT.clientId, CLIENT.clientSecret)) =>
    fetch(discovery.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
      body: new URLSearchParams(params),
    });

  it('publishes discovery with every endpoint under /oidc', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    discovery = (await response.json()) as Record<string, string>;
    assert.equal(discovery.issuer, issuer);
    for (const key of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint']) {
      assert.ok(discovery[key]!.startsWith(`${issuer}/`), `${key}: ${discovery[key]}`);
    }
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    assert.ok((discovery.scopes_supported as unknown as string[]).includes('groups'));
  });

  it('signs an operator in with code + PKCE and issues a verifiable id_token with groups', async () => {
    const flow = await signIn('operator');
    assert.match(flow.html, /<title>Codeflow sandbox sign-in<\/title>/);
    for (const role of ['viewer', 'responder', 'operator', 'admin']) {
      assert.match(flow.html, new RegExp(`data-testid="sandbox-user-${role}"`));
      assert.match(flow.html, new RegExp(`<b>${role}</b>`));
    }
    assert.match(flow.html, /Olga Operator/);
    assert.match(flow.html, /Sandbox identities — never accepted when Codeflow points at real AWS/);

    assert.equal(`${flow.callback.origin}${flow.callback.pathname}`, REDIRECT);
    assert.equal(flow.callback.searchParams.get('state'), flow.state);
    assert.equal(flow.callback.searchParams.get('iss'), issuer);
    const code = flow.callback.searchParams.get('code');
    assert.ok(code);

    const response = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: flow.verifier });
    const tokens = (await response.json()) as { id_token: string; access_token: string; token_type: string; refresh_token?: string };
    assert.equal(response.status, 200, JSON.stringify(tokens));
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.refresh_token, undefined);

    const idToken = decodeJwt(tokens.id_token);
    assert.equal(idToken.header.alg, 'RS256');
    const jwks = (await (await fetch(discovery.jwks_uri!)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const jwk = jwks.keys.find((k) => k.kid === idToken.header.kid);
    assert.ok(jwk, 'signing key is published');
    assert.equal(jwk.d, undefined, 'no private key material in the JWKS');
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from(idToken.signingInput), key, idToken.signature), 'id_token signature verifies');

    const claims = idToken.payload;
    assert.equal(claims.iss, issuer);
    assert.equal(claims.aud, CLIENT.clientId);
    assert.equal(claims.nonce, flow.nonce);
    assert.equal(claims.sub, 'sandbox|operator');
    assert.equal(claims.name, 'Olga Operator');
    assert.equal(claims.email, 'operator@sandbox.codeflow.local');
    assert.equal(claims.email_verified, true);
    assert.deepEqual(claims.groups, ['codeflow-operators']);
    assert.equal(claims.codeflow_sandbox, true);
    assert.ok((claims.exp as number) > Date.now() / 1000);

    const userinfo = await fetch(discovery.userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(userinfo.status, 200);
    const profile = (await userinfo.json()) as Record<string, unknown>;
    assert.equal(profile.sub, 'sandbox|operator');
    assert.deepEqual(profile.groups, ['codeflow-operators']);
    assert.equal(profile.codeflow_sandbox, true);

    const reused = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: flow.verifier });
    assert.equal(((await reused.json()) as { error: string }).error, 'invalid_grant', 'a code works once');
  });

  it('rejects a wrong code_verifier with invalid_grant', async () => {
    const flow = await signIn('viewer');
    const response = await token({ grant_type: 'authorization_code', code: flow.callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: base64url(randomBytes(32)) });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
  });

  it('requires PKCE', async () => {
    const url = new URL(discovery.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: CLIENT.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's' }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description')!, /PKCE/);
  });

  it('refuses an unregistered redirect_uri without redirecting', async () => {
    const flow = await authorize({ clientId: CLIENT.clientId, redirectUris: ['http://localhost:3999/elsewhere'] });
    assert.equal(flow.response.status, 400);
    assert.equal(flow.response.headers.get('location'), null);
    assert.match(await flow.response.text(), /redirect_uri/);
  });

  it('answers 400 for a user id not on the list', async () => {
    const flow = await authorize();
    const interaction = new URL(flow.response.headers.get('location')!, running.url);
    for (const user of ['root', 'sandbox|admin', '']) {
      const response = await flow.browser.fetch(`${interaction.href}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ user }),
      });
      assert.equal(response.status, 400, user);
    }
  });

  it('answers 400, not a crash, for an interaction without its cookie', async () => {
    const flow = await authorize();
    const response = await fetch(new URL(flow.response.headers.get('location')!, running.url));
    assert.equal(response.status, 400);
    assert.match(await response.text(), /expired/);
  });

  it('returns access_denied with the state when the user cancels', async () => {
    const flow = await authorize();
    const interaction = new URL(flow.response.headers.get('location')!, running.url);
    const abort = await flow.browser.fetch(`${interaction.href}/abort`, { method: 'POST' });
    const callback = await flow.browser.followUntilClient(abort, running.url);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), flow.state);
  });

  it('accepts client_secret_post for a client registered with it', async () => {
    const flow = await signIn('admin', POST_CLIENT);
    const response = await token(
      { grant_type: 'authorization_code', code: flow.callback.searchParams.get('code')!, redirect_uri: POST_CLIENT.redirectUris[0]!, code_verifier: flow.verifier, client_id: POST_CLIENT.clientId, client_secret: POST_CLIENT.clientSecret },
      '',
    );
    const tokens = (await response.json()) as { id_token: string };
    assert.equal(response.status, 200, JSON.stringify(tokens));
    assert.deepEqual(decodeJwt(tokens.id_token).payload.groups, ['codeflow-admins']);
  });

  it('ends the IdP session on RP-initiated logout, so the next sign-in asks again', async () => {
    const flow = await signIn('responder');
    const tokens = (await (await token({ grant_type: 'authorization_code', code: flow.callback.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: flow.verifier })).json()) as { id_token: string };

    const end = new URL(discovery.end_session_endpoint!);
    end.search = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: CLIENT.postLogoutRedirectUris[0]!, state: 'bye' }).toString();
    const confirm = await flow.browser.fetch(end.href);
    assert.equal(confirm.status, 200);
    const html = await confirm.text();
    const action = /action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const done = await flow.browser.fetch(new URL(action, running.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    const back = await flow.browser.followUntilClient(done, running.url);
    assert.equal(`${back.origin}${back.pathname}`, CLIENT.postLogoutRedirectUris[0]);
    assert.equal(back.searchParams.get('state'), 'bye');

    // Same browser, new authorization request: no session any more, so the user picker shows again.
    const again = await authorize();
    const location = again.response.headers.get('location')!;
    assert.match(location, /^\/oidc\/interaction\//);
  });

  // next-auth v4 runs its OIDC flow through openid-client 5: the strictest check that Codeflow's real sign-in works.
  it('completes the flow with openid-client, the library next-auth uses', async (t) => {
    let openid: typeof import('openid-client');
    try {
      openid = await import('openid-client');
    } catch {
      return t.skip('openid-client (installed with next-auth) is not available');
    }
    const discovered = await openid.Issuer.discover(issuer);
    const client = new discovered.Client({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, redirect_uris: [REDIRECT], response_types: ['code'] });
    const verifier = openid.generators.codeVerifier();
    const state = openid.generators.state();
    const nonce = openid.generators.nonce();
    const browser = new Browser();
    const start = await browser.fetch(
      client.authorizationUrl({ scope: 'openid profile email groups', state, nonce, code_challenge: openid.generators.codeChallenge(verifier), code_challenge_method: 'S256' }),
    );
    const interaction = new URL(start.headers.get('location')!, running.url);
    await browser.fetch(interaction.href);
    const login = await browser.fetch(`${interaction.href}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=viewer' });
    const callback = await browser.followUntilClient(login, running.url);
    const tokens = await client.callback(REDIRECT, client.callbackParams(callback.href), { code_verifier: verifier, state, nonce });
    assert.deepEqual(tokens.claims().groups, ['codeflow-viewers']);
    assert.equal(tokens.claims().codeflow_sandbox, true);
    const profile = await client.userinfo(tokens);
    assert.equal(profile.email, 'viewer@sandbox.codeflow.local');
  });

  it('still serves AWS and the admin API on the same port', async () => {
    const clusters = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
      body: '{}',
    });
    assert.equal(clusters.status, 200);
    const body = (await clusters.json()) as { clusterArns: string[] };
    assert.ok(body.clusterArns.some((arn) => arn.endsWith(':cluster/codeflow-cluster')));
    const state = await fetch(`${running.url}/_sandbox/state`);
    assert.equal(state.status, 200);
  });
});

describe('sandbox without oidc options', () => {
  it('mounts no issuer', async () => {
    const running = await startSandbox({ speed: 0 });
    try {
      assert.equal(running.oidcIssuer, undefined);
      const response = await fetch(`${running.url}/oidc/.well-known/openid-configuration`);
      assert.notEqual(response.status, 200);
    } finally {
      await running.close();
    }
  });
});
