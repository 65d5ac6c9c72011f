import { userInfo } from 'node:os';

/** Credentials or a profile in the environment: what makes `codeflow start` think of real AWS. */
export const AWS_SIGNALS = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'];

/**
 * Every AWS engineer's shell holds credentials; that alone does not make a console for a team.
 * When they are there but no single sign-on is configured (and the mode was not chosen), the
 * first lines `npm start` prints say both ways forward instead of a list of missing settings.
 * Returns null when there is nothing to explain.
 */
export function credentialsHint(env: NodeJS.ProcessEnv, command = 'npm start'): string | null {
  if (env.CODEFLOW_MODE) return null;
  const signal = AWS_SIGNALS.find((name) => env[name]);
  if (!signal || env.OIDC_ISSUER) return null;
  const local = command === 'npm start' ? 'npm start -- --local' : 'codeflow start --local';
  let osUser = 'you';
  try {
    osUser = userInfo().username;
  } catch {
    // no user name: "you" will do
  }
  return [
    `AWS credentials found in your shell (${signal} is set), but no single sign-on is configured,`,
    'so Codeflow cannot sign your team in against that account. Two ways forward:',
    '',
    `  CODEFLOW_MODE=sandbox ${command}`,
    '      the built-in sandbox: an AWS-compatible demo account with a living fleet; your',
    '      credentials are not used.',
    `  ${local} [--role viewer|responder|operator|admin]   (codeflow start --local)`,
    `      local mode: your real account with your shell's credentials, for you alone — served on`,
    `      127.0.0.1 only, signed in as ${osUser} (role viewer unless --role says otherwise), every`,
    '      action audited.',
    '',
    'To serve a team through SSO, set CODEFLOW_MODE=aws, OIDC_ISSUER, OIDC_CLIENT_ID and',
    'OIDC_CLIENT_SECRET (README, "Single sign-on").',
  ].join('\n');
}
