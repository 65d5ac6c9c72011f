import { completeMaintenanceTask } from '@/lib/maintenance/service';
import { json, withErrors } from '@/lib/api/handler';
import { withUser } from '@/lib/api/with-user';
import { parseBody } from '@/lib/api/body';
import { completeTaskSchema, taskParamsSchema } from '@/lib/api/maintenance/schemas';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ taskId: string }> };

/** POST { note?, doneAt? } → 201 { completion, task }: records who did the task and when, audited. */
export const POST = withErrors(
  withUser<Ctx>(
    async (req, ctx, user) => {
      const { taskId } = taskParamsSchema.parse(await ctx.params);
      const body = await parseBody(req, completeTaskSchema);
      return json(await completeMaintenanceTask(user, taskId, body), { status: 201 });
    },
    { action: 'maintenance.complete' },
  ),
);
