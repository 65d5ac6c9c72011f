import 'server-only';
import { actorOf, type CurrentUser } from '../auth/identity';
import { getConfig } from '../config';
import { getDb } from '../db/client';
import { completeTask, findTaskOrThrow, getChecklist, listTaskHistory, type CompleteTaskResult, type MaintenanceChecklist, type MaintenanceCompletion } from './checklist';

export async function getMaintenanceChecklist(): Promise<MaintenanceChecklist> {
  return getChecklist({ db: await getDb(), config: getConfig().maintenance });
}

export async function completeMaintenanceTask(user: CurrentUser, taskId: string, input: { note?: string; doneAt?: string }): Promise<CompleteTaskResult> {
  return completeTask({ db: await getDb(), config: getConfig().maintenance }, actorOf(user), {
    taskId,
    note: input.note,
    doneAt: input.doneAt ? new Date(input.doneAt) : undefined,
  });
}

export async function getMaintenanceTaskHistory(taskId: string, limit: number): Promise<{ taskId: string; completions: MaintenanceCompletion[] }> {
  const { maintenance } = getConfig();
  findTaskOrThrow(maintenance, taskId);
  return { taskId, completions: await listTaskHistory(await getDb(), taskId, limit) };
}
