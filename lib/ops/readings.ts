import { loadBalancerDimension, targetGroupDimension } from '../aws/arn';
import { getMetricData } from '../aws/cloudwatch';
import { describeTargetGroups } from '../aws/elbv2';
import type { Service } from '../aws/types';
import type { OpsContext } from './context';


/** The worst minute since `from` of the 5xx rate (%) and p95 latency (ms) over the service's target groups. */
export async function readMetrics(ctx: OpsContext, service: Service, from: number, to: number): Promise<{ errorRate: number | null; p95: number | null }> {
  return readGroupMetrics(ctx, service.loadBalancers.map((lb) => lb.targetGroupArn), from, to);
}

/** The worst minute since `from` of the 5xx rate (%) and p95 latency (ms) over the given target groups. */
export async function readGroupMetrics(ctx: OpsContext, arns: readonly string[], from: number, to: number): Promise<{ errorRate: number | null; p95: number | null }> {
  if (arns.length === 0) return { errorRate: null, p95: null };
  const groups = await describeTargetGroups(ctx.aws, { arns });
  const queries = groups.flatMap((tg, i) => {
    const lb = tg.loadBalancerArns[0];
    const dimensions: Record<string, string> = { TargetGroup: targetGroupDimension(tg.arn), ...(lb ? { LoadBalancer: loadBalancerDimension(lb) } : {}) };
    const ns = 'AWS/ApplicationELB';
    return [
      { id: `req${i}`, namespace: ns, metricName: 'RequestCount', dimensions, stat: 'Sum', period: 60, returnData: false },
      { id: `err${i}`, namespace: ns, metricName: 'HTTPCode_Target_5XX_Count', dimensions, stat: 'Sum', period: 60, returnData: false },
      { id: `rate${i}`, expression: `100*FILL(err${i},0)/FILL(req${i},1)`, period: 60 },
      { id: `p95${i}`, namespace: ns, metricName: 'TargetResponseTime', dimensions, stat: 'p95', period: 60 },
    ];
  });
  const start = from;
  const end = Math.max(to, start + 60_000);
  const series = await getMetricData(ctx.aws, { queries, start: new Date(start), end: new Date(end) });
  const max = (prefix: string, scale: number) => {
    const values = series.filter((s) => s.id.startsWith(prefix)).flatMap((s) => s.values);
    return values.length ? Math.max(...values) * scale : null;
  };
  return { errorRate: max('rate', 1), p95: max('p95', 1000) };
}

