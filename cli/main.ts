import { parseArgs, UsageError } from './args';
import { dbUsage, runDbCommand } from './db-command';
import { runSandboxCommand, sandboxUsage } from './sandbox-command';
import { runStartCommand, startUsage } from './start-command';

const usage = `Usage: codeflow <command> [options]

Commands:
  start     Start the console (and, without AWS configuration, the sandbox)
  sandbox   Run the AWS-compatible sandbox alone
  db        Apply or roll back database migrations

${startUsage}

${sandboxUsage}

${dbUsage}`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const [command] = args.positionals;
  switch (command) {
    case 'start':
      return runStartCommand(args);
    case 'sandbox':
      return runSandboxCommand(args);
    case 'db':
      return runDbCommand(args);
    case undefined:
    case 'help':
      console.log(usage);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) console.error(`codeflow: ${e.message}\n\n${usage}`);
  else console.error(`codeflow: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
