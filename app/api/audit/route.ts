import { listAudit } from '@/lib/audit/list';
import { getDb } from '@/lib/db/client';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { auditListQuerySchema } from '@/lib/api/audit/filters';

export const dynamic = 'force-dynamic';

/** GET ?actor&action&target&outcome&from&to&cursor&limit → { entries, nextCursor }, newest first. */
export const GET = withErrors(
  withUser(
    async (req) => {
      const query = auditListQuerySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      return json(await listAudit(await getDb(), query));
    },
    { action: 'audit.read' },
  ),
);
