export interface NavItem {
  href: string;
  label: string;
  /** Other path prefixes that belong to this section (e.g. a service page belongs to Overview). */
  matches?: string[];
}

export const NAV_ITEMS: readonly NavItem[] = [{ href: '/', label: 'Overview', matches: ['/services/'] }];
