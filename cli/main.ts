import { readFileSync } from 'node:fs';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { auditUsage, runAuditCommand } from './audit-command';
import { dbUsage, runDbCommand } from './db-command';
import { incidentsUsage, runIncidentsCommand } from './incidents-command';
import { loginUsage, runLoginCommand, runLogoutCommand, runWhoamiCommand } from './login-command';
import { logsUsage, runLogsCommand } from './logs-command';
import { alarmsUsage, opsCommand, opsUsage } from './ops-command';
import { CliError, EXIT } from './remote/exit-codes';
import { runSandboxCommand, sandboxUsage } from './sandbox-command';
import { runStartCommand, startUsage } from './start-command';
import { runServiceCommand, runStatusCommand, statusUsage } from './status-command';

interface Command {
  summary: string;
  usage: string;
  run(args: ParsedArgs): Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  start: { summary: 'Start the console (and, without AWS configuration, the sandbox)', usage: startUsage, run: runStartCommand },
  sandbox: { summary: 'Run the AWS-compatible sandbox alone', usage: sandboxUsage, run: runSandboxCommand },
  db: { summary: 'Apply or roll back database migrations', usage: dbUsage, run: runDbCommand },
  login: { summary: 'Store an API token for a Codeflow server', usage: loginUsage, run: runLoginCommand },
  logout: { summary: 'Forget a stored token', usage: loginUsage, run: runLogoutCommand },
  whoami: { summary: 'Show who the stored token signs in as', usage: loginUsage, run: runWhoamiCommand },
  status: { summary: "Every service's verdict, worst first", usage: statusUsage, run: runStatusCommand },
  service: { summary: 'One service: verdict, rollout, targets, events', usage: statusUsage, run: runServiceCommand },
  logs: { summary: "A service's log lines; --follow to tail", usage: logsUsage, run: runLogsCommand },
  deploy: { summary: 'Deploy a new image (plan, confirm, follow the rollout)', usage: opsUsage, run: opsCommand('deploy') },
  rollback: { summary: 'Roll back to the previous (or a chosen) revision', usage: opsUsage, run: opsCommand('rollback') },
  scale: { summary: 'Set the desired task count', usage: opsUsage, run: opsCommand('scale') },
  restart: { summary: 'Replace the tasks with the same revision', usage: opsUsage, run: opsCommand('restart') },
  alarms: { summary: "Create, change or delete a service's CloudWatch alarms (guide §4.1)", usage: alarmsUsage, run: opsCommand('alarms') },
  incidents: { summary: 'List, open, acknowledge, escalate and resolve incidents', usage: incidentsUsage, run: runIncidentsCommand },
  audit: { summary: 'Verify the audit log', usage: auditUsage, run: runAuditCommand },
};

const usage = `Usage: codeflow <command> [options]   (codeflow <command> --help for one command;
                                     codeflow --version for the version)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Commands that talk to a server use the token from \`codeflow login\`, or CODEFLOW_URL and
CODEFLOW_TOKEN from the environment; --url picks one of several stored servers. Reads take --json.
Commands that name a service or read the fleet take --account and --region (CODEFLOW_ACCOUNT,
CODEFLOW_REGION), else the server's home account and Region.

Exit codes: 0 ok, 1 failure, 2 usage (bad arguments or input the server rejected),
3 refused (role, policy, lock or read-only mode), 4 waiting for approval.`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const [name] = args.positionals;
  if (name === 'version' || (name === undefined && (args.flags.version === true || args.flags.v === true))) {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(`codeflow ${version}`);
    return;
  }
  if (name === undefined || name === 'help') {
    const topic = args.positionals[1] ? COMMANDS[args.positionals[1]] : undefined;
    console.log(topic ? topic.usage : usage);
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    if (args.flags.help === true) return console.log(usage);
    throw new UsageError(`unknown command "${name}"`);
  }
  if (args.flags.help === true || args.flags.h === true) return console.log(command.usage);
  await command.run(args);
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    console.error(`codeflow: ${e.message}\n\nRun \`codeflow --help\` for usage.`);
    process.exit(EXIT.usage);
  }
  if (e instanceof CliError) {
    console.error(`codeflow: ${e.message}`);
    process.exit(e.code);
  }
  console.error(`codeflow: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(EXIT.failure);
});
