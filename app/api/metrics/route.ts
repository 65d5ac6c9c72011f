import { json, withErrors } from '@/lib/api/handler';
import { AppError } from '@/lib/errors';
import { metricsAccess } from '@/lib/observability/metrics-access';
import { getMetrics } from '@/lib/observability/metrics';

export const dynamic = 'force-dynamic';

/**
 * Prometheus metrics. Off (404) unless CODEFLOW_METRICS_TOKEN is set; then the scraper sends
 * `Authorization: Bearer <token>`. No session is asked for or accepted.
 */
export const GET = withErrors(async (req) => {
  const access = metricsAccess(process.env.CODEFLOW_METRICS_TOKEN, req.headers.get('authorization'));
  if (access === 'disabled') throw new AppError('not_found', 'Metrics are turned off on this server (set CODEFLOW_METRICS_TOKEN to turn them on).');
  if (access === 'unauthorized') {
    const res = json({ error: { code: 'unauthorized', message: 'Send the metrics token: Authorization: Bearer <CODEFLOW_METRICS_TOKEN>.' } }, { status: 401 });
    res.headers.set('WWW-Authenticate', 'Bearer realm="codeflow-metrics"');
    return res;
  }
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType } });
});
