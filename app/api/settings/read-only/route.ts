import type { NextRequest } from 'next/server';
import { json, withErrors } from '@/lib/api/handler';
import { parseBody } from '@/lib/api/body';
import { readOnlySchema } from '@/lib/api/operations/schemas';
import { withUser } from '@/lib/api/with-user';
import { getDb } from '@/lib/db/client';
import { getReadOnly, setReadOnly } from '@/lib/ops/settings';
import { OPERATION_ROUTES } from '@/lib/api/operations/routes';

export const dynamic = 'force-dynamic';

export const GET = withErrors(withUser(async () => json(await getReadOnly(await getDb())), OPERATION_ROUTES['GET /api/settings/read-only']));

/** PUT { readOnly, reason } (admin, audited): the kill switch for every write. */
export const PUT = withErrors(
  withUser(
    async (req: NextRequest, _ctx: unknown, user) => {
      const { readOnly, reason } = await parseBody(req, readOnlySchema);
      return json(await setReadOnly(await getDb(), user, readOnly, reason));
    },
    OPERATION_ROUTES['PUT /api/settings/read-only'],
  ),
);
