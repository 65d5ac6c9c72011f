/**
 * INTEGRATION SLOT — the escalation board's side column below the simulator.
 *
 * The integrator mounts here, from another worktree (wt-maint):
 *   - the maintenance "overdue" panel (guide §6.3: weekly/monthly/quarterly tasks past due), and
 *   - the DR status panel (guide §6.6: RTO 4 h / RPO 1 h, age of the latest recovery point).
 * Each is a self-contained component that fetches its own data and renders a <Card>. Until they
 * land this renders nothing, and the board's layout does not depend on it.
 */
export function BoardSidePanels() {
  return null;
}
