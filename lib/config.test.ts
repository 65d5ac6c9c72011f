import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig, parseRoleMapping, sessionSecretProblem, readConfigFile } from './config';
import { parseIncidentsConfig } from './incidents/config';
import { parsePolicyConfig } from './ops/policy-config';
import { DEFAULT_MAINTENANCE_TASKS } from './maintenance/config';

describe('parseConfig', () => {
  it('has sensible defaults', () => {
    const accounts = [{ id: 'default', name: 'default', environment: undefined, regions: ['us-east-1'], clusters: [], role: undefined }];
    assert.deepEqual(parseConfig({}), {
      region: 'us-east-1',
      accounts,
      places: [{ accountId: 'default', region: 'us-east-1', accountName: 'default', environment: undefined, clusters: [], role: undefined, home: true }],
      endpoint: undefined,
      clusters: [],
      awsClockUrl: undefined,
      sandbox: false,
      aws: { maxAttempts: 3, connectionTimeoutMs: 2000, requestTimeoutMs: 5000, callDeadlineMs: 8000, budgetPct: 25 },
      fleet: { cacheTtlMs: 5000 },
      auth: {
        issuer: undefined,
        clientId: undefined,
        clientSecret: undefined,
        orgName: 'your organisation',
        groupsClaim: 'groups',
        roleMapping: { 'codeflow-viewers': 'viewer', 'codeflow-responders': 'responder', 'codeflow-operators': 'operator', 'codeflow-admins': 'admin' },
        allowSandboxIdentities: false,
        roleRecheckMs: 300_000,
        sessionMaxAgeMs: 12 * 3600_000,
        sessionIdleMs: 2 * 3600_000,
      },
      incidents: parseIncidentsConfig(),
      telemetry: { ttlMs: 60_000 },
      policy: parsePolicyConfig({}),
      maintenance: { tasks: DEFAULT_MAINTENANCE_TASKS.map((t) => ({ ...t })), trackingStart: null },
      dr: { rtoHours: 4, rpoHours: 1, databases: [], backupVaultName: null, sandboxDefaults: false },
      maxBodyBytes: 1024 * 1024,
    });
  });

  it('reads the session limits and the body limit, refusing nonsense', () => {
    const c = parseConfig({ CODEFLOW_SESSION_MAX_AGE_SECONDS: '3600', CODEFLOW_SESSION_IDLE_SECONDS: '900', CODEFLOW_MAX_BODY_BYTES: '65536' });
    assert.equal(c.auth.sessionMaxAgeMs, 3600_000);
    assert.equal(c.auth.sessionIdleMs, 900_000);
    assert.equal(c.maxBodyBytes, 65536);
    assert.throws(() => parseConfig({ CODEFLOW_SESSION_IDLE_SECONDS: '0' }), /CODEFLOW_SESSION_IDLE_SECONDS must be a whole number/);
    assert.throws(() => parseConfig({ CODEFLOW_MAX_BODY_BYTES: '1e12' }), /CODEFLOW_MAX_BODY_BYTES/);
  });

  it('reads the SSO settings and a role mapping in either form', () => {
    const c = parseConfig({ OIDC_ISSUER: 'https://acme.okta.com/oauth2/default/', OIDC_CLIENT_ID: 'id', CODEFLOW_ORG_NAME: 'Acme', CODEFLOW_ROLE_MAPPING: 'Ops On-call=responder, Deployers=operator' });
    assert.equal(c.auth.issuer, 'https://acme.okta.com/oauth2/default');
    assert.equal(c.auth.orgName, 'Acme');
    assert.deepEqual(c.auth.roleMapping, { 'Ops On-call': 'responder', Deployers: 'operator' });
    assert.deepEqual(parseRoleMapping('{"g":"admin"}'), { g: 'admin' });
    assert.throws(() => parseConfig({ CODEFLOW_ROLE_MAPPING: 'Deployers=root' }), /CODEFLOW_ROLE_MAPPING must look like/);
    assert.throws(() => parseConfig({ OIDC_ISSUER: 'not a url' }), /OIDC_ISSUER must be/);
  });

  it('accepts sandbox identities only when the AWS endpoint is the local sandbox', () => {
    assert.equal(parseConfig({ CODEFLOW_SANDBOX: '1', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).auth.allowSandboxIdentities, true);
    assert.equal(parseConfig({ CODEFLOW_SANDBOX: '1' }).auth.allowSandboxIdentities, false);
    assert.equal(parseConfig({ CODEFLOW_SANDBOX: '1', AWS_ENDPOINT_URL: 'https://ecs.us-east-1.amazonaws.com' }).auth.allowSandboxIdentities, false);
  });

  it('refuses a missing or weak session secret', () => {
    assert.match(sessionSecretProblem(undefined)!, /not set/);
    assert.match(sessionSecretProblem('changeme')!, /too weak/);
    assert.match(sessionSecretProblem('a'.repeat(40))!, /too weak/);
    assert.equal(sessionSecretProblem('q3J9vX2mK7pL0aZ8rT5wY1cN4bH6dF0gS2eU9iO3'), null);
  });

  it('reads the environment', () => {
    const c = parseConfig({
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      CODEFLOW_CLUSTERS: ' codeflow-cluster, codeflow-staging ,,',
      CODEFLOW_SANDBOX: '1',
      CODEFLOW_FLEET_TTL_MS: '2000',
    });
    assert.equal(c.region, 'eu-west-1');
    assert.equal(c.endpoint, 'http://127.0.0.1:4566');
    assert.deepEqual(c.clusters, ['codeflow-cluster', 'codeflow-staging']);
    assert.equal(c.sandbox, true);
    assert.equal(c.fleet.cacheTtlMs, 2000);
  });

  it('prefers AWS_REGION over AWS_DEFAULT_REGION, and env over the file', () => {
    assert.equal(parseConfig({ AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-1' }).region, 'us-west-2');
    const file = { region: 'ap-southeast-2', clusters: ['from-file'] };
    assert.deepEqual(parseConfig({}, file).clusters, ['from-file']);
    assert.equal(parseConfig({}, file).region, 'ap-southeast-2');
    assert.deepEqual(parseConfig({ CODEFLOW_CLUSTERS: 'from-env', AWS_REGION: 'us-east-2' }, file).clusters, ['from-env']);
    assert.equal(parseConfig({ AWS_REGION: 'us-east-2' }, file).region, 'us-east-2');
  });

  it('names the variable and what it expects when a value is invalid', () => {
    assert.throws(() => parseConfig({ CODEFLOW_FLEET_TTL_MS: 'soon' }), /CODEFLOW_FLEET_TTL_MS must be a whole number between 0 and \d+, got "soon"/);
    assert.throws(() => parseConfig({ AWS_ENDPOINT_URL: 'localhost:4566' }), /AWS_ENDPOINT_URL must be an http\(s\) URL/);
    assert.throws(() => parseConfig({ AWS_REGION: 'mars' }), /AWS_REGION must be an AWS region name/);
    assert.throws(() => parseConfig({ CODEFLOW_AWS_MAX_ATTEMPTS: '0' }), /CODEFLOW_AWS_MAX_ATTEMPTS/);
    assert.throws(() => parseConfig({ CODEFLOW_AWS_BUDGET_PCT: '0' }), /CODEFLOW_AWS_BUDGET_PCT must be a whole number between 1 and 100/);
    assert.equal(parseConfig({ CODEFLOW_AWS_BUDGET_PCT: '40' }).aws.budgetPct, 40);
  });
});

describe('readConfigFile', () => {
  it('is empty when there is no file, and validates one that exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codeflow-config-'));
    assert.deepEqual(readConfigFile(dir), {});
    writeFileSync(join(dir, 'codeflow.config.json'), JSON.stringify({ clusters: ['a', 'b'], region: 'eu-central-1' }));
    assert.deepEqual(readConfigFile(dir), { clusters: ['a', 'b'], region: 'eu-central-1' });
    writeFileSync(join(dir, 'codeflow.config.json'), JSON.stringify({ clusters: 'a' }));
    assert.throws(() => readConfigFile(dir), /clusters/);
    writeFileSync(join(dir, 'codeflow.config.json'), '{ nope');
    assert.throws(() => readConfigFile(dir), /not valid JSON/);
  });
});

describe('maintenance and dr sections', () => {
  it('take the guide’s defaults, and the file’s tasks, tracking start and DR targets', () => {
    assert.equal(parseConfig({}).maintenance.tasks.length, 12);
    const c = parseConfig(
      { CODEFLOW_SANDBOX: '1' },
      {
        maintenance: { tasks: [{ id: 'rotate-keys', title: 'Rotate IAM access keys', period: 'monthly' }], trackingStart: '2026-01-05' },
        dr: { rtoHours: 2, rpoHours: 0.5, databases: [{ name: 'orders', resourceArn: 'arn:aws:rds:us-east-1:111122223333:cluster:orders' }] },
      },
    );
    assert.deepEqual(c.maintenance, { tasks: [{ id: 'rotate-keys', title: 'Rotate IAM access keys', period: 'monthly' }], trackingStart: '2026-01-05T00:00:00.000Z' });
    assert.equal(c.dr.rpoHours, 0.5);
    assert.equal(c.dr.sandboxDefaults, false);
    assert.equal(parseConfig({ CODEFLOW_SANDBOX: '1' }).dr.databases.length, 2);
  });

  it('refuses bad sections, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codeflow-config-'));
    const write = (body: unknown) => writeFileSync(join(dir, 'codeflow.config.json'), JSON.stringify(body));
    write({ maintenance: { tasks: [{ id: 'Bad Id', title: 'x', period: 'weekly' }] } });
    assert.throws(() => readConfigFile(dir), /maintenance\.tasks\.0\.id/);
    write({ maintenance: { tasks: [{ id: 'a', title: 'x', period: 'daily' }] } });
    assert.throws(() => readConfigFile(dir), /maintenance\.tasks\.0\.period use weekly, monthly or quarterly/);
    write({ maintenance: { tasks: [{ id: 'a', title: 'x', period: 'weekly' }, { id: 'a', title: 'y', period: 'monthly' }] } });
    assert.throws(() => readConfigFile(dir), /task ids must be unique/);
    write({ dr: { rpoHours: 0 } });
    assert.throws(() => readConfigFile(dir), /dr\.rpoHours more than 0 hours/);
    write({ dr: { databases: [{ name: 'x', resourceArn: 'codeflow-db' }] } });
    assert.throws(() => readConfigFile(dir), /dr\.databases\.0\.resourceArn an ARN/);
    write({ dr: { backupVault: 'x' } });
    assert.throws(() => readConfigFile(dir), /dr/);
  });
});
