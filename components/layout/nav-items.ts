import type { Action } from '@/lib/auth/can';

export interface NavItem {
  href: string;
  label: string;
  /** Shown only to those who may do this (the page checks again on the server). */
  action: Action;
  /** Other path prefixes that belong to this section (e.g. a service page belongs to Overview). */
  matches?: string[];
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Overview', action: 'fleet.read', matches: ['/services/'] },
  { href: '/operations', label: 'Operations', action: 'fleet.read', matches: ['/operations/'] },
  { href: '/incidents', label: 'Incidents', action: 'fleet.read', matches: ['/incidents/'] },
  { href: '/board', label: 'Board', action: 'fleet.read' },
  { href: '/logs', label: 'Logs', action: 'fleet.read' },
  { href: '/alarms', label: 'Alarms', action: 'fleet.read' },
  { href: '/audit', label: 'Audit log', action: 'audit.read' },
  { href: '/security', label: 'Security', action: 'findings.read' },
  { href: '/maintenance', label: 'Maintenance', action: 'maintenance.read' },
  { href: '/admin/users', label: 'Users', action: 'users.read' },
  { href: '/admin/roster', label: 'Roster', action: 'settings.write' },
  { href: '/settings/tokens', label: 'API tokens', action: 'tokens.manage-own' },
];
