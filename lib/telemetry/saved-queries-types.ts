import { z } from 'zod';

/** What the browser sees of a saved Logs Insights query. */
export interface SavedQueryView {
  id: string;
  name: string;
  query: string;
  shared: boolean;
  /** The caller's own (they may delete it); otherwise shared by `owner`. */
  mine: boolean;
  owner: string | null;
  updatedAt: string;
}

/** POST /api/logs/saved-queries. */
export const saveQuerySchema = z.object({
  name: z.string({ error: 'name is required' }).trim().min(1, { error: 'name must not be empty' }).max(80, { error: 'name is at most 80 characters' }),
  query: z.string({ error: 'query is required' }).trim().min(1, { error: 'query must not be empty' }).max(10_000, { error: 'query is at most 10000 characters' }),
  shared: z.boolean({ error: 'shared is true or false' }).optional(),
});
export type SavedQueryInput = z.infer<typeof saveQuerySchema>;

export const savedQueryIdSchema = z.object({ id: z.uuid({ error: 'id must be a saved query id (a UUID)' }) });
