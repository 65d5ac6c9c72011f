import { getMaintenanceTaskHistory } from '@/lib/maintenance/service';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { searchParamsObject } from '@/lib/api/body';
import { historyQuerySchema, taskParamsSchema } from '@/lib/api/maintenance/schemas';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ taskId: string }> };

/** GET ?limit → { taskId, completions }: every time the task was done, newest first. */
export const GET = withErrors(
  withUser<Ctx>(
    async (req, ctx) => {
      const { taskId } = taskParamsSchema.parse(await ctx.params);
      const { limit } = historyQuerySchema.parse(searchParamsObject(req.nextUrl.searchParams));
      return json(await getMaintenanceTaskHistory(taskId, limit ?? 50));
    },
    { action: 'maintenance.read' },
  ),
);
