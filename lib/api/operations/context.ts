import 'server-only';
import { getAwsClients, getAwsWriteClients } from '@/lib/aws/default-clients';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db/client';
import { awsClock, type OpsContext } from '@/lib/ops/context';
import { AppError } from '@/lib/errors';
import type { NextRequest } from 'next/server';
import { idempotencyKeySchema } from './schemas';

/** The process's pipeline context: its database, AWS clients, policy and AWS clock. */
export async function opsContext(): Promise<OpsContext> {
  const config = getConfig();
  return {
    db: await getDb(),
    aws: getAwsClients(),
    policy: config.policy,
    awsNow: awsClock(config.awsClockUrl, config.sandbox),
    notify: config.incidents,
    places: { all: config.places, read: (place) => getAwsClients(place), write: (place, person) => getAwsWriteClients(place, person) },
  };
}

export function idempotencyKeyOf(req: NextRequest): string {
  const parsed = idempotencyKeySchema.safeParse(req.headers.get('idempotency-key') ?? undefined);
  if (!parsed.success) throw new AppError('invalid', parsed.error.issues[0]?.message ?? 'Idempotency-Key header is required');
  return parsed.data;
}
