import type { NextRequest } from 'next/server';
import { json, withErrors } from '@/lib/api/handler';
import { parseBody, searchParamsObject } from '@/lib/api/body';
import { idempotencyKeyOf, opsContext } from '@/lib/api/operations/context';
import { listOperationsSchema, submitOperationSchema } from '@/lib/api/operations/schemas';
import { withUser } from '@/lib/api/with-user';
import { submitOperation } from '@/lib/ops/pipeline';
import { listOperations } from '@/lib/ops/store';
import { getDb } from '@/lib/db/client';
import { OPERATION_ROUTES } from '@/lib/api/operations/routes';

export const dynamic = 'force-dynamic';

/** GET ?cluster=&service=&status=active|pending|finished&limit= → { operations } (viewer+). */
export const GET = withErrors(
  withUser(
    async (req: NextRequest) => {
      const filter = listOperationsSchema.parse(searchParamsObject(req.nextUrl.searchParams));
      return json({ operations: await listOperations(await getDb(), filter) });
    },
    OPERATION_ROUTES['GET /api/operations'],
  ),
);

/**
 * POST (Idempotency-Key header) { cluster, service, request, fingerprint, confirmName, reason, incidentId? }
 * → 201 { operation }, or 200 with the same operation when the key replays. The kind's action is checked in lib/ops.
 */
export const POST = withErrors(
  withUser(
    async (req: NextRequest, _ctx: unknown, user) => {
      const key = idempotencyKeyOf(req);
      const body = await parseBody(req, submitOperationSchema);
      const { operation, replayed } = await submitOperation(await opsContext(), user, body, key);
      return json({ operation }, { status: replayed ? 200 : 201 });
    },
    OPERATION_ROUTES['POST /api/operations'],
  ),
);
