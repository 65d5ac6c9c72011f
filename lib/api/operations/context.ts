import 'server-only';
import type { OpsContext } from '@/lib/ops/context';
import { serverOpsContext } from '@/lib/ops/server-context';
import { AppError } from '@/lib/errors';
import type { NextRequest } from 'next/server';
import { idempotencyKeySchema } from './schemas';

/** The process's pipeline context: its database, AWS clients, policy and AWS clock. */
export function opsContext(): Promise<OpsContext> {
  return serverOpsContext();
}

export function idempotencyKeyOf(req: NextRequest): string {
  const parsed = idempotencyKeySchema.safeParse(req.headers.get('idempotency-key') ?? undefined);
  if (!parsed.success) throw new AppError('invalid', parsed.error.issues[0]?.message ?? 'Idempotency-Key header is required');
  return parsed.data;
}
