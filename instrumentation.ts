/**
 * Next.js calls register() once when a server process starts. Background work that must survive a
 * restart (its state is in the database) is started here, in the Node.js runtime only. Each area
 * adds its starter to the list.
 */
export async function register(): Promise<void> {
  // The list lives inside this branch on purpose: Next inlines NEXT_RUNTIME, so the edge build drops
  // the branch and never bundles the starters' Node-only imports (the AWS SDK broke `next build`).
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const backgroundStarters: { name: string; start: () => Promise<void> }[] = [
      { name: 'operations runner (lib/ops)', start: () => import('./lib/ops/runner').then((m) => m.startOpsRunner()) },
    ];
    for (const starter of backgroundStarters) {
      try {
        await starter.start();
      } catch (e) {
        // One failing starter must not keep the server (or the others) from starting; it says why.
        console.error(`codeflow: could not start the ${starter.name}: ${(e as Error).message}`);
      }
    }
  }
}
