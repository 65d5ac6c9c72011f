import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Whether the real AWS CLI is on PATH; suites that need it skip, saying so, when it is not. */
export async function awsCliAvailable(): Promise<boolean> {
  try {
    await exec('aws', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export const AWS_CLI_MISSING = 'the AWS CLI (`aws`) is not on PATH';

/** The real AWS CLI pointed at `endpoint` (the sandbox), with throwaway credentials and no retries. */
export function awsCli(endpoint: string) {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1' };
  return {
    /** Runs a command and parses its JSON output (null when it prints nothing). */
    async aws(...args: string[]): Promise<any> {
      const { stdout } = await exec('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], { env, maxBuffer: 64 * 1024 * 1024 });
      return stdout.trim() ? JSON.parse(stdout) : null;
    },
    /** Runs a command and returns what it printed, for commands whose output is not JSON. */
    async text(...args: string[]): Promise<string> {
      const { stdout } = await exec('aws', ['--endpoint-url', endpoint, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
      return stdout;
    },
    /** Runs a whole command line as a shell would (quoting and all), e.g. one a plan shows, with the endpoint added. */
    async shell(commandLine: string): Promise<string> {
      const { stdout } = await exec('bash', ['-c', `${commandLine} --endpoint-url "$CODEFLOW_TEST_ENDPOINT"`], { env: { ...env, CODEFLOW_TEST_ENDPOINT: endpoint }, maxBuffer: 64 * 1024 * 1024 });
      return stdout;
    },
    /** Runs a command that must fail and returns what it printed on stderr. */
    async awsFails(...args: string[]): Promise<string> {
      try {
        await exec('aws', ['--endpoint-url', endpoint, ...args], { env });
      } catch (e) {
        return String((e as { stderr?: string }).stderr);
      }
      throw new Error(`expected aws ${args.join(' ')} to fail`);
    },
  };
}
