import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { authorizePage } from '@/lib/auth/session';
import { getDb } from '@/lib/db/client';
import { operationExists } from '@/lib/ops/store';
import { ForbiddenPanel } from '@/components/layout/forbidden-panel';
import { OperationProgress } from '@/components/ops/operation-progress';

export const metadata: Metadata = { title: 'Operation' };

type Params = Promise<{ id: string }>;

const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/);

export default async function OperationPage({ params }: { params: Params }) {
  const { id: raw } = await params;
  const { user, allowed } = await authorizePage(`/operations/${encodeURIComponent(raw)}`, 'fleet.read');
  if (!allowed) return <ForbiddenPanel title="You cannot view operations" action="fleet.read" role={user.role} />;
  const id = idSchema.safeParse(raw);
  if (!id.success || !(await operationExists(await getDb(), id.data))) notFound();
  return <OperationProgress id={id.data} viewer={{ subject: user.subject, role: user.role }} />;
}
