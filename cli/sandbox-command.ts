import { randomBytes } from 'node:crypto';
import { startSandbox } from '../sandbox/server';
import { intFlag, numberFlag, UsageError, type ParsedArgs } from './args';

export const sandboxUsage = `codeflow sandbox [--port N] [--host 127.0.0.1] [--seed N] [--speed X] [--fleet-size N] [--oidc-redirect URL[,URL…]]
  Runs the AWS-compatible sandbox alone (ECS, ELBv2) with its living demo fleet.
  Point any AWS client at it: aws --endpoint-url http://127.0.0.1:N ecs list-clusters
  --oidc-redirect also serves its OpenID Connect issuer at /oidc, with one client allowed to
  redirect to these URLs; its client id and secret are printed.`;

/** `--oidc-redirect a,b`: the redirect URIs of the one client the standalone issuer registers. */
function oidcRedirects(args: ParsedArgs): string[] | undefined {
  const value = args.flags['oidc-redirect'];
  if (value === undefined) return undefined;
  if (value === true) throw new UsageError('--oidc-redirect expects one or more URLs, comma-separated');
  const uris = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const uri of uris) {
    if (!/^https?:\/\/[^/]/.test(uri) || !URL.canParse(uri)) throw new UsageError(`--oidc-redirect expects http(s) URLs, got "${uri}"`);
  }
  return uris;
}

export async function runSandboxCommand(args: ParsedArgs): Promise<void> {
  const redirectUris = oidcRedirects(args);
  const client = redirectUris && {
    clientId: 'codeflow-sandbox',
    clientSecret: randomBytes(32).toString('base64url'),
    redirectUris,
    // Sign-out may return to the root of any app the client signs into.
    postLogoutRedirectUris: [...new Set(redirectUris.map((uri) => `${new URL(uri).origin}/`))],
  };
  const port = intFlag(args, 'port', process.env.SANDBOX_PORT ? Number(process.env.SANDBOX_PORT) : 0);
  const running = await startSandbox({
    port,
    host: typeof args.flags.host === 'string' ? args.flags.host : '127.0.0.1',
    seed: intFlag(args, 'seed'),
    speed: numberFlag(args, 'speed'),
    fleetSize: intFlag(args, 'fleet-size'),
    oidc: client && { clients: [client] },
  });
  console.log(`Codeflow sandbox listening on ${running.url}`);
  console.log(`  aws --endpoint-url ${running.url} ecs list-clusters`);
  console.log(`  admin API: ${running.url}/_sandbox/state`);
  if (client) {
    console.log(`  OIDC issuer: ${running.oidcIssuer}`);
    console.log(`    OIDC_ISSUER=${running.oidcIssuer} OIDC_CLIENT_ID=${client.clientId} OIDC_CLIENT_SECRET=${client.clientSecret}`);
  }
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
