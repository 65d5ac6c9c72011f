import { withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { auditExportQuerySchema } from '@/lib/api/audit/filters';
import { auditExportDownload } from '@/lib/api/audit/export-download';

export const dynamic = 'force-dynamic';

/** GET ?format=csv|json plus the list's filters → a download, newest first, hashes included. */
export const GET = withErrors(
  withUser(
    async (req, _ctx, user) => {
      const { format, ...filters } = auditExportQuerySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      return auditExportDownload(user, filters, format);
    },
    { action: 'audit.read' },
  ),
);
