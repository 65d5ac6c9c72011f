import type { NextRequest } from 'next/server';
import { json, withErrors } from '@/lib/api/handler';
import { parseBody } from '@/lib/api/body';
import { forceReleaseLockSchema } from '@/lib/api/operations/schemas';
import { OPERATION_ROUTES } from '@/lib/api/operations/routes';
import { withUser } from '@/lib/api/with-user';
import { getDb } from '@/lib/db/client';
import { forceReleaseLock } from '@/lib/ops/locks-admin';
import { placeFromBody } from '@/lib/api/place-params';

export const dynamic = 'force-dynamic';

/** POST { cluster, service, reason } → { operationId }: an admin frees a stuck service lock (audited; nothing is sent to AWS). */
export const POST = withErrors(
  withUser(
    async (req: NextRequest, _ctx: unknown, user) => {
      const { account: _account, region: _region, ...body } = await parseBody(req, forceReleaseLockSchema);
      const where = placeFromBody({ account: _account, region: _region });
      return json(await forceReleaseLock(await getDb(), user, { ...body, account: where.accountId, region: where.region }));
    },
    OPERATION_ROUTES['POST /api/operations/locks/release'],
  ),
);
