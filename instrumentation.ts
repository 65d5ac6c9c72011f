/**
 * Runs once when the server starts. The standalone server (the container image's CMD) is started
 * without the CLI, so the configuration check that `codeflow start` does happens here instead: a
 * deployed server with a missing or bad variable exits at once, naming each one, rather than
 * failing on the first sign-in or AWS call.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // `codeflow start` checked already (and the sandbox needs no deployed configuration).
  if (process.env.CODEFLOW_STARTUP_CHECKED === '1' || process.env.CODEFLOW_SANDBOX === '1') return;
  const { startupProblems, formatStartupProblems } = await import('./lib/startup-config');
  const problems = startupProblems(process.env, 'deployed');
  if (problems.length > 0) {
    console.error(`codeflow: ${formatStartupProblems(problems, 'deployed')}`);
    process.exit(1);
  }
}
