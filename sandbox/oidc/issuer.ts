import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createMemoryAdapterFactory } from './memory-adapter';
import { logoutPage, messagePage, signInPage } from './pages';
import { findSandboxUser, sandboxUserClaims, sandboxUsers } from './users';

export interface SandboxOidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** oidc-provider allows one method per client; next-auth's default is basic. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

export interface SandboxOidcOptions {
  clients: SandboxOidcClient[];
  /** Groups the IdP reports for a user instead of the default, e.g. after a test removed someone from a group. */
  groupsOverride?: (sub: string) => string[] | undefined;
}

export interface SandboxIssuer {
  issuer: string;
  /** Serves every request whose path is `/oidc` or starts with `/oidc/`. */
  handle(req: IncomingMessage, res: ServerResponse): void;
}

export const OIDC_PREFIX = '/oidc';

export const isOidcPath = (url: string | undefined): boolean => {
  const path = (url ?? '/').split('?')[0]!;
  return path === OIDC_PREFIX || path.startsWith(`${OIDC_PREFIX}/`);
};

// The few parts of oidc-provider this file touches. The package ships no types, and @types/oidc-provider
// would be a new dependency for a dozen members.
interface Interaction {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> } };
  params: Record<string, unknown> & { client_id?: string };
  session?: { accountId?: string };
  grantId?: string;
}
interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}
interface Provider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  on(event: string, listener: (...args: unknown[]) => void): void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: { new (input: { accountId: string; clientId: string }): Grant; find(id: string): Promise<Grant | undefined> };
  Client: { find(id: string): Promise<{ clientName?: string; clientId: string } | undefined> };
}
interface KoaLikeContext {
  type: string;
  body: string;
  status: number;
  oidc?: { client?: { clientName?: string; clientId: string } };
}

let providerClass: Promise<new (issuer: string, configuration: object) => Provider> | undefined;

/**
 * oidc-provider 9 announces on import that only Node 22+ is supported. Codeflow runs on Node 20 and
 * the flows it uses are tested there, so that one notice is dropped rather than printed at every start.
 */
function loadProvider() {
  providerClass ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      warn(...args);
    };
    try {
      // A variable specifier: the package has no type declarations (see the interfaces above).
      const specifier = 'oidc-provider';
      const mod = (await import(specifier)) as { Provider: new (issuer: string, configuration: object) => Provider };
      return mod.Provider;
    } finally {
      console.warn = warn;
    }
  })();
  return providerClass;
}

/** A fresh RS256 key per start: tokens from a previous run stop verifying, which is right for a sandbox. */
function signingJwks() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' }] };
}

const html = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

function readForm(req: IncomingMessage, limit = 16_384): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > limit) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

const EXPIRED = 'This sign-in request has expired or was already used. Go back to Codeflow and sign in again.';

/**
 * Builds the sandbox's OpenID Connect issuer at `<sandboxUrl>/oidc`. Codeflow's real sign-in code
 * (authorization code + PKCE, state, nonce) runs against it, with one demo user per role.
 */
export async function createSandboxIssuer(sandboxUrl: string, options: SandboxOidcOptions): Promise<SandboxIssuer> {
  const Provider = await loadProvider();
  const issuer = `${sandboxUrl}${OIDC_PREFIX}`;

  const provider = new Provider(issuer, {
    adapter: createMemoryAdapterFactory(),
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      client_name: 'Codeflow',
      // http://localhost redirect URIs are allowed for web clients using the code flow; oidc-provider
      // only forbids them for implicit, which these clients cannot use.
      application_type: 'web',
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      token_endpoint_auth_method: c.tokenEndpointAuthMethod ?? 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    async findAccount(_ctx: unknown, id: string) {
      const user = findSandboxUser(id);
      return user && { accountId: user.sub, claims: async () => sandboxUserClaims(user, options.groupsOverride?.(user.sub)) };
    },
    claims: {
      openid: ['sub', 'codeflow_sandbox'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    // Scope claims go into the ID token too, so a client reading only the id_token sees the groups.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaLikeContext, form: string) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: async (ctx: KoaLikeContext) => {
          ctx.type = 'html';
          ctx.body = messagePage('Signed out', 'You are signed out of the Codeflow sandbox.');
        },
      },
    },
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `${OIDC_PREFIX}/interaction/${interaction.uid}` },
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      // Cookies ignore ports: distinct names keep the issuer's cookies apart from Codeflow's and other local apps'.
      names: { session: 'codeflow_sandbox_oidc_session', interaction: 'codeflow_sandbox_oidc_interaction', resume: 'codeflow_sandbox_oidc_resume' },
    },
    jwks: signingJwks(),
    // Explicit values: short for a sandbox, and each default function logs a notice when it is used.
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 10 * 60,
      Session: 8 * 60 * 60,
      Grant: 8 * 60 * 60,
      RefreshToken: 8 * 60 * 60,
      ClientCredentials: 10 * 60,
      DeviceCode: 10 * 60,
      BackchannelAuthenticationRequest: 10 * 60,
      PreAuthorizedCode: 10 * 60,
    },
    clientBasedCORS: (_ctx: unknown, origin: string, client: { redirectUris?: string[] }) =>
      (client.redirectUris ?? []).some((uri) => new URL(uri).origin === origin),
    renderError: async (ctx: KoaLikeContext, out: { error?: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = messagePage('Sign-in failed', out.error_description ?? 'The sign-in request was not valid.', out.error);
    },
  });
  provider.on('server_error', (_ctx, error) => console.error('[sandbox oidc] server error', error));

  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) {
    let details: Interaction;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return html(res, 400, messagePage('Sign-in expired', EXPIRED));
    }
    if (details.uid !== uid) return html(res, 400, messagePage('Sign-in expired', EXPIRED));

    if (req.method === 'GET' && action === undefined) {
      if (details.prompt.name === 'consent') return grantConsent(req, res, details);
      if (details.prompt.name !== 'login') return html(res, 400, messagePage('Sign-in failed', `The sandbox cannot handle the "${details.prompt.name}" prompt.`));
      const client = details.params.client_id ? await provider.Client.find(details.params.client_id) : undefined;
      return html(res, 200, signInPage({ uid, clientName: client?.clientName ?? client?.clientId ?? 'Codeflow', users: sandboxUsers }));
    }
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const user = findSandboxUser(form.get('user') ?? '');
      // Only the form's ids; `sub` values are not login names.
      if (!user || user.id !== form.get('user')) return html(res, 400, messagePage('Unknown user', `There is no sandbox user "${form.get('user') ?? ''}".`));
      // remember: false keeps the IdP session to the browser session, so picking another role is one sign-out away.
      return provider.interactionFinished(req, res, { login: { accountId: user.sub, remember: false } }, { mergeWithLastSubmission: false });
    }
    if (req.method === 'POST' && action === 'abort') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled the sandbox sign-in.' }, { mergeWithLastSubmission: false });
    }
    return html(res, 404, messagePage('Not found', 'No such sign-in step.'));
  }

  /** Codeflow is the only client and is first-party: consent is granted without asking. */
  async function grantConsent(req: IncomingMessage, res: ServerResponse, details: Interaction) {
    const accountId = details.session?.accountId;
    const clientId = details.params.client_id;
    if (!accountId || !clientId) return html(res, 400, messagePage('Sign-in expired', EXPIRED));
    const grant = (details.grantId && (await provider.Grant.find(details.grantId))) || new provider.Grant({ accountId, clientId });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
  }

  return {
    issuer,
    handle(req, res) {
      const path = (req.url ?? '/').split('?')[0]!;
      const match = /^\/oidc\/interaction\/([^/]+)(?:\/(login|abort))?\/?$/.exec(path);
      if (match) {
        interaction(req, res, decodeURIComponent(match[1]!), match[2]).catch((error: unknown) => {
          console.error('[sandbox oidc] interaction failed', error);
          if (!res.headersSent) html(res, 500, messagePage('Sign-in failed', 'The sandbox could not complete the sign-in.'));
          else res.end();
        });
        return;
      }
      // Mounting as oidc-provider's docs do for hapi/nest: strip the prefix, keep the original in
      // req.originalUrl. oidc-provider derives its mount path from the difference when building
      // endpoint URLs, and the issuer's own path covers the rest (discovery lists /oidc/... URLs).
      const mutable = req as IncomingMessage & { originalUrl?: string };
      mutable.originalUrl = req.url;
      mutable.url = (req.url ?? '/').slice(OIDC_PREFIX.length) || '/';
      callback(req, res);
    },
  };
}
