'use client';

import { useQuery } from '@tanstack/react-query';
import type { Action } from '@/lib/auth/can';
import { meQuery } from './queries';

/**
 * Whether the signed-in user may do `action`, for components deep inside pages that do not pass
 * the role down (the alarms list, the findings drawer). False until /api/me answers: buttons
 * appear rather than flash away. The server decides again on every request.
 */
export function useCan(action: Action): boolean {
  const me = useQuery(meQuery());
  return me.data?.can[action] ?? false;
}
