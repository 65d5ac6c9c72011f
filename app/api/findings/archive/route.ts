import { archiveFindings, getFindingsContext } from '@/lib/telemetry/findings';
import { getAwsWriteClients } from '@/lib/aws/default-clients';
import { placeFromBody } from '@/lib/api/place-params';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { archiveFindingsSchema } from '@/lib/api/findings/schemas';

export const dynamic = 'force-dynamic';

/** POST { ids, archived, reason, account?, region? } → { archived, findings }: archives or unarchives in GuardDuty, audited with the reason. */
export const POST = withErrors(
  withUser(
    async (req, _ctx, user) => {
      const { ids, archived, reason, ...where } = await parseBody(req, archiveFindingsSchema);
      const place = placeFromBody(where);
      return json(await archiveFindings(user, ids, archived, reason, getFindingsContext(place), { place, write: getAwsWriteClients(place, user.name ?? user.subject) }));
    },
    { action: 'findings.archive' },
  ),
);
