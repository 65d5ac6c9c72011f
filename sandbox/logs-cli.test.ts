import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startSandbox, type RunningSandbox } from './server';
import { awsCli } from './testing/aws-cli';

const exec = promisify(execFile);

/** The deployment guide's CloudWatch Logs commands (§4.2, §6.1), run with the real AWS CLI against the sandbox. */
async function awsVersion(): Promise<string | null> {
  try {
    const { stdout, stderr } = await exec('aws', ['--version']);
    return (stdout || stderr).trim();
  } catch {
    return null;
  }
}

const version = await awsVersion();
/** `aws logs tail` exists only in CLI v2. */
const hasTail = version !== null && /^aws-cli\/2\./.test(version);

describe('AWS CLI against the sandbox: CloudWatch Logs (guide §4.2, §6.1)', { skip: version ? false : 'the AWS CLI (`aws`) is not on PATH', timeout: 120_000 }, () => {
  const START = Date.parse('2026-11-27T10:00:30Z');
  let running: RunningSandbox;
  let aws: (...args: string[]) => Promise<any>;
  let awsFails: (...args: string[]) => Promise<string>;
  let awsText: (...args: string[]) => Promise<string>;

  before(async () => {
    running = await startSandbox({ seed: 42, speed: 0, startTime: START });
    ({ aws, awsFails, text: awsText } = awsCli(running.url));
  });
  after(() => running?.close());

  const advance = (seconds: number) => fetch(`${running.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seconds }) });
  const nowMs = () => running.sandbox.now();

  it('aws logs describe-log-groups lists /ecs/codeflow', async () => {
    const out = await aws('logs', 'describe-log-groups');
    const codeflow = out.logGroups.find((g: { logGroupName: string }) => g.logGroupName === '/ecs/codeflow');
    assert.ok(codeflow);
    assert.match(codeflow.arn, /^arn:aws:logs:us-east-1:123456789012:log-group:\/ecs\/codeflow:\*$/);
    const prefixed = await aws('logs', 'describe-log-groups', '--log-group-name-prefix', '/ecs/payments');
    assert.deepEqual(prefixed.logGroups.map((g: { logGroupName: string }) => g.logGroupName), ['/ecs/payments-api']);
  });

  it('aws logs filter-log-events --filter-pattern ERROR --start-time <1 hour ago> finds the crash after a bad rollout', async () => {
    const registered = await aws('ecs', 'register-task-definition', '--family', 'codeflow', '--container-definitions', JSON.stringify([{
      name: 'codeflow',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/codeflow:v1.5.0-bad',
      essential: true,
      portMappings: [{ containerPort: 3000 }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/codeflow', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' } },
    }]));
    await aws('ecs', 'update-service', '--cluster', 'codeflow-cluster', '--service', 'codeflow-service', '--task-definition', `codeflow:${registered.taskDefinition.revision}`);
    await advance(180);
    const hourAgo = String(nowMs() - 3600_000);
    const out = await aws('logs', 'filter-log-events', '--log-group-name', '/ecs/codeflow', '--filter-pattern', 'ERROR', '--start-time', hourAgo);
    assert.ok(out.events.length >= 3);
    for (const e of out.events) {
      assert.match(e.message, /^ERROR Unhandled exception: /);
      assert.match(e.logStreamName, /^ecs\/codeflow\/[0-9a-f]{32}$/);
      assert.match(e.eventId, /^\d{56}$/);
      assert.ok(e.ingestionTime >= e.timestamp);
    }
    const json = await aws('logs', 'filter-log-events', '--log-group-name', '/ecs/codeflow', '--filter-pattern', '{ $.status >= 500 }', '--start-time', hourAgo);
    assert.ok(json.events.length >= 1);
    assert.ok(json.events.every((e: { message: string }) => JSON.parse(e.message).status >= 500));
  });

  it('aws logs start-query with the guide\'s query, then get-query-results', async () => {
    const end = Math.floor(nowMs() / 1000);
    const started = await aws('logs', 'start-query', '--log-group-name', '/ecs/codeflow', '--start-time', String(end - 3600), '--end-time', String(end), '--query-string', 'fields @timestamp, @message | sort @timestamp desc | limit 100');
    assert.match(started.queryId, /^[0-9a-f-]{36}$/);
    let results: any;
    for (let i = 0; i < 50; i++) {
      results = await aws('logs', 'get-query-results', '--query-id', started.queryId);
      if (results.status === 'Complete') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(results.status, 'Complete');
    assert.equal(results.results.length, 100);
    assert.deepEqual(results.results[0].map((f: { field: string }) => f.field), ['@timestamp', '@message', '@ptr']);
    assert.ok(results.statistics.recordsScanned >= 100);
  });

  it('start-query answers a malformed query with MalformedQueryException', async () => {
    const stderr = await awsFails('logs', 'start-query', '--log-group-name', '/ecs/codeflow', '--start-time', '0', '--end-time', '1', '--query-string', 'fields @message | sort');
    assert.match(stderr, /MalformedQueryException.*unexpected end of query at line 1 and position 22/);
  });

  it('aws logs tail /ecs/codeflow --since 10m', { skip: hasTail ? false : `this AWS CLI (${version}) has no \`logs tail\` (it arrived in CLI v2); not run` }, async () => {
    const stdout = await awsText('logs', 'tail', '/ecs/codeflow', '--since', '10m');
    assert.match(stdout, /ecs\/codeflow\/[0-9a-f]{32} \{"level":"info","msg":"request"/);
  });
});
