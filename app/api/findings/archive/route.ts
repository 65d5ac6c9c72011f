import { archiveFindings } from '@/lib/telemetry/findings';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { archiveFindingsSchema } from '@/lib/api/findings/schemas';

export const dynamic = 'force-dynamic';

/** POST { ids, archived, reason } → { archived, findings }: archives or unarchives in GuardDuty, audited with the reason. */
export const POST = withErrors(
  withUser(
    async (req, _ctx, user) => {
      const { ids, archived, reason } = await parseBody(req, archiveFindingsSchema);
      return json(await archiveFindings(user, ids, archived, reason));
    },
    { action: 'findings.archive' },
  ),
);
