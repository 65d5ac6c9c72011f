/**
 * Next.js calls register() once when a server process starts. Background work that must survive a
 * restart (its state is in the database) is started here, in the Node.js runtime only. Each area
 * adds its starter to the list.
 */
const backgroundStarters: { name: string; start: () => Promise<void> }[] = [
  { name: 'operations runner (lib/ops)', start: () => import('./lib/ops/runner').then((m) => m.startOpsRunner()) },
];

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  for (const starter of backgroundStarters) {
    try {
      await starter.start();
    } catch (e) {
      // One failing starter must not keep the server (or the others) from starting; it says why.
      console.error(`codeflow: could not start the ${starter.name}: ${(e as Error).message}`);
    }
  }
}
