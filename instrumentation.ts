/**
 * Runs once when the server starts. The standalone server (the container image's CMD) is started
 * without the CLI, so the configuration check that `codeflow start` does happens here instead: a
 * deployed server with a missing or bad variable exits at once, naming each one, rather than
 * failing on the first sign-in or AWS call.
 */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is inlined at build time, so the Edge build never sees the Node-only module.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { exitOnStartupProblems } = await import('./lib/startup-config');
    exitOnStartupProblems(process.env);
  }
}
