import { startSandbox } from '../sandbox/server';
import { intFlag, numberFlag, type ParsedArgs } from './args';

export const sandboxUsage = `codeflow sandbox [--port N] [--host 127.0.0.1] [--seed N] [--speed X] [--fleet-size N]
  Runs the AWS-compatible sandbox alone (ECS, ELBv2) with its living demo fleet.
  Point any AWS client at it: aws --endpoint-url http://127.0.0.1:N ecs list-clusters`;

export async function runSandboxCommand(args: ParsedArgs): Promise<void> {
  const port = intFlag(args, 'port', process.env.SANDBOX_PORT ? Number(process.env.SANDBOX_PORT) : 0);
  const running = await startSandbox({
    port,
    host: typeof args.flags.host === 'string' ? args.flags.host : '127.0.0.1',
    seed: intFlag(args, 'seed'),
    speed: numberFlag(args, 'speed'),
    fleetSize: intFlag(args, 'fleet-size'),
  });
  console.log(`Codeflow sandbox listening on ${running.url}`);
  console.log(`  aws --endpoint-url ${running.url} ecs list-clusters`);
  console.log(`  admin API: ${running.url}/_sandbox/state`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
