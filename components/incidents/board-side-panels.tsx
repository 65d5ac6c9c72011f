'use client';

import { DrStatusPanel } from '@/components/dr/dr-status-panel';
import { MaintenanceOverduePanel } from '@/components/maintenance/overdue-panel';

/**
 * The escalation board's side column below the simulator: maintenance tasks past due (guide §6.3)
 * and the DR status against RTO/RPO (guide §6.6). Each panel fetches its own data and degrades on
 * its own, so a failing AWS Backup call never blanks the board.
 */
export function BoardSidePanels() {
  return (
    <>
      <MaintenanceOverduePanel />
      <DrStatusPanel />
    </>
  );
}
