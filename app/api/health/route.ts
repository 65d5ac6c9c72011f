import { getHealthReport } from '@/lib/health';
import { json, withErrors } from '@/lib/api/handler';

export const dynamic = 'force-dynamic';

export const GET = withErrors(async () => {
  const report = await getHealthReport();
  return json(report, { status: report.status === 'healthy' ? 200 : 503 });
});
