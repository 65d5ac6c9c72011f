import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runWithRequestContext } from './context';
import { createLogger, formatFrom, levelFrom, REDACTED, scrubString, secretValues } from './logger';

function collect(setup: Parameters<typeof createLogger>[0] = {}) {
  const raw: string[] = [];
  const logger = createLogger({ level: 'debug', env: {}, format: 'json', ...setup, destination: { write: (s: string) => void raw.push(s) } });
  return { logger, raw, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes one JSON object per line with level, time, message and fields', () => {
    const { logger, raw, lines } = collect();
    logger.info({ cluster: 'web' }, 'hello');
    assert.equal(raw.length, 1);
    assert.ok(raw[0]!.endsWith('\n'));
    const [line] = lines();
    assert.equal(line!.level, 'info');
    assert.equal(line!.msg, 'hello');
    assert.equal(line!.cluster, 'web');
    assert.equal(line!.service, 'codeflow');
    assert.match(String(line!.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('takes its level from LOG_LEVEL, falling back to info', () => {
    assert.equal(levelFrom('debug'), 'debug');
    assert.equal(levelFrom(' WARN '), 'warn');
    assert.equal(levelFrom('loud'), 'info');
    assert.equal(levelFrom(undefined), 'info');
    const { logger, lines } = collect({ env: { LOG_LEVEL: 'warn' }, level: undefined });
    logger.info('quiet');
    logger.warn('heard');
    assert.deepEqual(lines().map((l) => l.msg), ['heard']);
  });

  it('is JSON in production and readable in development unless LOG_FORMAT says otherwise', () => {
    assert.equal(formatFrom({ NODE_ENV: 'production' }), 'json');
    assert.equal(formatFrom({ NODE_ENV: 'development' }), 'pretty');
    assert.equal(formatFrom({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }), 'pretty');
    const raw: string[] = [];
    const pretty = createLogger({ env: {}, format: 'pretty', destination: { write: (s: string) => void raw.push(s) } });
    pretty.warn({ cluster: 'web' }, 'slow');
    assert.match(raw[0]!, /^\d\d:\d\d:\d\d\.\d{3} WARN +slow {2}cluster=web\n$/);
  });

  it('redacts secret-looking keys at any depth', () => {
    const { logger, raw, lines } = collect();
    logger.info(
      {
        headers: { authorization: 'Bearer abc.def.ghi', cookie: 'next-auth.session-token=xyz', accept: 'application/json' },
        oidc: { clientSecret: 'shh-very-secret', clientId: 'codeflow' },
        token: 'cf_live',
        NEXTAUTH_SECRET: 'abc',
        list: [{ password: 'p@ss' }],
      },
      'with secrets',
    );
    const [line] = lines() as [Record<string, Record<string, unknown>>];
    assert.equal(line.headers!.authorization, REDACTED);
    assert.equal(line.headers!.cookie, REDACTED);
    assert.equal(line.headers!.accept, 'application/json');
    assert.equal(line.oidc!.clientSecret, REDACTED);
    assert.equal(line.oidc!.clientId, 'codeflow');
    assert.equal(line.token, REDACTED);
    assert.equal(line.NEXTAUTH_SECRET, REDACTED);
    assert.deepEqual(line.list, [{ password: REDACTED }]);
    for (const secret of ['abc.def.ghi', 'xyz', 'shh-very-secret', 'p@ss']) assert.ok(!raw[0]!.includes(secret), `${secret} leaked`);
  });

  it('scrubs secrets out of messages and errors: URL passwords, bearer tokens, API tokens, secret variables', () => {
    const env = {
      NEXTAUTH_SECRET: 'n3xtauth-secret-value-0123456789',
      OIDC_CLIENT_SECRET: 'oidc-client-secret-value',
      DATABASE_URL: 'postgresql://codeflow:db%2Fpa55word@db.internal:5432/codeflow',
      REDIS_URL: 'rediss://:redis-auth-token-123@cache.internal:6379',
    };
    const { logger, raw, lines } = collect({ env });
    const err = new Error('connect to postgresql://codeflow:db%2Fpa55word@db.internal:5432/codeflow failed');
    logger.error({ err }, 'database down');
    logger.warn(`retrying with Bearer eyJhbGciOi.payload.sig and cf_${'A'.repeat(43)}`);
    logger.info({ detail: `secret is ${env.NEXTAUTH_SECRET}, client ${env.OIDC_CLIENT_SECRET}, redis ${env.REDIS_URL}, raw db/pa55word` }, 'oops');
    const text = raw.join('');
    for (const secret of ['db%2Fpa55word', 'db/pa55word', 'eyJhbGciOi', 'A'.repeat(43), env.NEXTAUTH_SECRET, env.OIDC_CLIENT_SECRET, 'redis-auth-token-123']) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    const [errorLine, warnLine] = lines() as [Record<string, Record<string, string>>, Record<string, string>];
    // The error keeps what an engineer needs: type, message (scrubbed) and stack.
    assert.equal(errorLine.err!.type, 'Error');
    assert.match(errorLine.err!.message!, /postgresql:\/\/codeflow:\[REDACTED\]@db\.internal/);
    assert.match(errorLine.err!.stack!, /logger\.test\.ts/);
    assert.match(warnLine.msg!, /Bearer \[REDACTED\] and cf_\[REDACTED\]/);
  });

  it('collects the secret values to scrub, ignoring short and missing ones', () => {
    const values = secretValues({ NEXTAUTH_SECRET: 'short', OIDC_CLIENT_SECRET: 'long-enough-secret', DATABASE_URL: 'postgres://u:pw%40longpassword@h/db', REDIS_URL: 'not a url' });
    assert.deepEqual(values.sort(), ['long-enough-secret', 'pw%40longpassword', 'pw@longpassword'].sort());
    assert.equal(scrubString('no secrets here'), 'no secrets here');
  });

  it('puts the request id (and user, once known) on every line written while serving a request', async () => {
    const { logger, lines } = collect();
    logger.info('before');
    await runWithRequestContext({ requestId: 'req-12345678', method: 'GET', route: '/api/fleet' }, async () => {
      logger.info('inside');
      await new Promise((r) => setTimeout(r, 5));
      logger.child({ component: 'aws' }).warn('after an await, in a child logger');
    });
    logger.info('after');
    const got = lines().map((l) => [l.msg, l.requestId]);
    assert.deepEqual(got, [
      ['before', undefined],
      ['inside', 'req-12345678'],
      ['after an await, in a child logger', 'req-12345678'],
      ['after', undefined],
    ]);
  });
});
