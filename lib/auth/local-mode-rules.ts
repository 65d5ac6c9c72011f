/** Where local mode may run (see local-mode.ts); pure, so the CLI checks before starting anything. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Why local mode may not run here, or null; the CLI and the server both ask. */
export function localModeRefusal(env: NodeJS.ProcessEnv, host: string): string | null {
  if (env.NODE_ENV === 'production') return 'local mode is for a workstation: it never runs with NODE_ENV=production (a deployed Codeflow signs people in through SSO)';
  if (!isLoopbackHost(host)) return `local mode serves on loopback only (127.0.0.1, ::1 or localhost), not on ${host}: anyone who could reach it would act with your AWS credentials`;
  return null;
}
