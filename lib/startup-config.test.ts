import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStartupProblems, startupProblems } from './startup-config';

const SSO = {
  NEXTAUTH_SECRET: 'q7Vx9Lk2Pz8Rw4Nm6Tb1Hc3Jd5Fg0Ys2Ue4Wa6',
  OIDC_ISSUER: 'https://example.okta.com/oauth2/default',
  OIDC_CLIENT_ID: 'codeflow',
  OIDC_CLIENT_SECRET: 'client-secret-value',
};
const DEPLOYED = {
  ...SSO,
  NODE_ENV: 'production',
  NEXTAUTH_URL: 'https://codeflow.example.com',
  DATABASE_URL: 'postgresql://codeflow:pw@db.internal:5432/codeflow?sslmode=require',
  REDIS_URL: 'rediss://:token@cache.internal:6379',
  AWS_REGION: 'eu-west-1',
  CODEFLOW_AUDIT_KEY: 'Zq8vN3kLp5Rt7Wx9Yb2Cd4Fg6Hj8Km0Nq3Sv5Uw',
};

describe('startupProblems', () => {
  it('accepts a complete deployed configuration, and SSO alone for a local one', () => {
    assert.deepEqual(startupProblems(DEPLOYED, 'deployed'), []);
    assert.deepEqual(startupProblems(SSO, 'local'), []);
  });

  it('names every missing variable of a deployed server at once', () => {
    const problems = startupProblems({ NODE_ENV: 'production' }, 'deployed');
    for (const name of ['NEXTAUTH_SECRET', 'OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'NEXTAUTH_URL', 'AWS_REGION', 'CODEFLOW_AUDIT_KEY']) {
      assert.ok(problems.some((p) => p.startsWith(`${name} `)), `${name} not named in:\n${problems.join('\n')}`);
    }
    assert.equal(problems.length, 9, problems.join('\n'));
  });

  it('refuses a weak audit key, deployed or local, without echoing it; locally an unset one is generated instead', () => {
    for (const profile of ['deployed', 'local'] as const) {
      const env = profile === 'deployed' ? DEPLOYED : SSO;
      const problems = startupProblems({ ...env, CODEFLOW_AUDIT_KEY: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }, profile);
      assert.deepEqual(problems, ['CODEFLOW_AUDIT_KEY is too weak: use at least 32 random characters (`openssl rand -base64 48`)'], profile);
    }
    assert.ok(startupProblems({ ...DEPLOYED, CODEFLOW_AUDIT_KEY: 'short-Key-1' }, 'deployed').some((p) => p.startsWith('CODEFLOW_AUDIT_KEY is too weak')));
    assert.deepEqual(startupProblems(SSO, 'local'), []);
  });

  it('does not require the shared database, cache or URL locally', () => {
    const problems = startupProblems({}, 'local');
    assert.ok(!problems.some((p) => /DATABASE_URL|REDIS_URL|NEXTAUTH_URL|AWS_REGION/.test(p)), problems.join('\n'));
    assert.equal(problems.length, 4);
  });

  it('rejects malformed values with what was expected, without echoing secrets', () => {
    const problems = startupProblems(
      { ...DEPLOYED, DATABASE_URL: 'mysql://root:hunter2@db/codeflow', REDIS_URL: 'not a url', NEXTAUTH_URL: 'ftp://x', AWS_REGION: 'Europe', NEXTAUTH_SECRET: 'changeme' },
      'deployed',
    );
    assert.ok(problems.some((p) => p.startsWith('DATABASE_URL must start with postgres:// or postgresql://')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('REDIS_URL is not a URL')));
    assert.ok(problems.some((p) => p.startsWith('NEXTAUTH_URL must start with https:// or http://')));
    assert.ok(problems.some((p) => p.startsWith('AWS_REGION must be an AWS region name')));
    assert.ok(problems.some((p) => p.startsWith('NEXTAUTH_SECRET is too weak')));
    assert.ok(!problems.join('\n').includes('hunter2'), 'the database password must not be printed');
    // AWS_REGION is reported once, not again through parseConfig.
    assert.equal(problems.filter((p) => p.startsWith('AWS_REGION')).length, 1);
  });

  it('reports what the typed config refuses, and the sandbox flag and NODE_ENV of a deployed server', () => {
    const problems = startupProblems({ ...DEPLOYED, NODE_ENV: 'development', CODEFLOW_SANDBOX: '1', CODEFLOW_AWS_MAX_ATTEMPTS: '99' }, 'deployed');
    assert.ok(problems.some((p) => p.startsWith('CODEFLOW_AWS_MAX_ATTEMPTS must be a whole number between 1 and 10')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('NODE_ENV must be "production"')));
    assert.ok(problems.some((p) => p.startsWith('CODEFLOW_SANDBOX=1 is for the local sandbox only')));
  });

  it('formats one line per problem', () => {
    const text = formatStartupProblems(['A is not set', 'B is bad'], 'deployed');
    assert.equal(text, 'refusing to start: the production configuration is incomplete (2 problems; see .env.example):\n  - A is not set\n  - B is bad');
  });
});
