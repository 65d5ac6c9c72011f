import type { Action } from '@/lib/auth/can';

/**
 * The authorization of every route of the guarded-action pipeline, declared once: each route
 * handler passes its entry to withUser, and the role matrix (e2e/operations-roles.spec.ts) is
 * generated from this table. An operation's own kind is checked again in lib/ops (ACTION_FOR_KIND),
 * where a denial is recorded the same way.
 */
export const OPERATION_ROUTES = {
  'GET /api/operations': { action: 'fleet.read' },
  'POST /api/operations': { action: 'operations.request' },
  'GET /api/operations/[id]': { action: 'fleet.read' },
  'POST /api/operations/[id]/approve': { action: 'operations.request' },
  'POST /api/operations/[id]/reject': { action: 'operations.request' },
  'POST /api/operations/[id]/cancel': { action: 'operations.request' },
  'POST /api/operations/[id]/continue': { action: 'operations.request' },
  'POST /api/operations/[id]/rollback': { action: 'service.rollback' },
  'POST /api/operations/locks/release': { action: 'locks.force-release' },
  'POST /api/services/[cluster]/[service]/plan': { action: 'operations.request' },
  'GET /api/settings/read-only': { action: 'fleet.read' },
  'PUT /api/settings/read-only': { action: 'settings.write' },
} as const satisfies Record<string, { action: Action }>;

export type OperationRoute = keyof typeof OPERATION_ROUTES;
