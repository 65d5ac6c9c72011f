import { z } from 'zod';

/**
 * What an `alarms` operation may ask for: CloudWatch metric alarms on one service's metrics, put
 * (created or replaced), deleted, or their actions turned on or off. Checked here as CloudWatch
 * checks PutMetricAlarm, so a bad alarm is a 400 naming its field before anything is planned; the
 * plan then checks what only AWS knows (that the alarm watches this service, that it exists).
 */

export const COMPARISONS = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'] as const;
export const TREAT_MISSING_DATA = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;
const BASIC_STATISTICS = ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'];
/** At most this many alarms in one operation: a service's recommended set is six. */
export const MAX_ALARMS_PER_OPERATION = 25;

const alarmName = z
  .string({ error: 'an alarm name is text' })
  .min(1, 'an alarm name must not be empty')
  .max(255, 'an alarm name has at most 255 characters')
  .refine((s) => s.trim() === s, 'an alarm name has no leading or trailing spaces')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'an alarm name has no control characters');

const statistic = z
  .string({ error: 'statistic is text' })
  .refine((s) => BASIC_STATISTICS.includes(s) || /^p(\d{1,2}(\.\d{1,2})?|100)$/.test(s), `statistic must be one of ${BASIC_STATISTICS.join(', ')} or a percentile such as p95`);

/** CloudWatch's periods: 10, 20 or 30 s (high resolution), or a multiple of 60 s up to a day. */
const period = z
  .number({ error: 'period is a number of seconds' })
  .int('period is a whole number of seconds')
  .refine((p) => p === 10 || p === 20 || p === 30 || (p >= 60 && p <= 86_400 && p % 60 === 0), 'period must be 10, 20, 30 or a multiple of 60 seconds up to 86400');

const dimensions = z
  .array(z.object({ name: z.string().min(1, 'a dimension needs a name').max(255), value: z.string().min(1, 'a dimension needs a value').max(1024) }).strict(), { error: 'dimensions are a list of { name, value }' })
  .max(30, 'at most 30 dimensions');

const metric = z
  .object({
    namespace: z.string().min(1, 'namespace must not be empty').max(255),
    metricName: z.string().min(1, 'metricName must not be empty').max(255),
    dimensions,
    statistic,
    period,
  })
  .strict();

const metricQuery = z
  .object({
    id: z.string().regex(/^[a-z][a-zA-Z0-9_]{0,254}$/, 'a query id starts with a lowercase letter (m1, e1)'),
    namespace: z.string().min(1).max(255).optional(),
    metricName: z.string().min(1).max(255).optional(),
    dimensions: dimensions.optional(),
    stat: statistic.optional(),
    period: period.optional(),
    expression: z.string().min(1).max(2048).optional(),
    label: z.string().max(255).optional(),
    returnData: z.boolean().optional(),
  })
  .strict()
  .refine((q) => (q.expression !== undefined) !== (q.metricName !== undefined), 'a query is either an expression or a metric (namespace, metricName, stat, period)')
  .refine((q) => q.expression !== undefined || (q.namespace && q.stat && q.period), 'a metric query needs namespace, metricName, stat and period');

export const alarmSpecSchema = z
  .object({
    name: alarmName,
    description: z.string().max(1024, 'a description has at most 1024 characters').optional(),
    metric: metric.optional(),
    metrics: z.array(metricQuery).min(1).max(10, 'metric math uses at most 10 queries').optional(),
    threshold: z.number({ error: 'threshold is a number' }).refine(Number.isFinite, 'threshold must be a finite number'),
    comparison: z.enum(COMPARISONS, { error: `comparison must be one of ${COMPARISONS.join(', ')}` }),
    /** CloudWatch requires it; left out (as the guide's §4.1 command does), the plan fills 1 and says so. */
    evaluationPeriods: z.number({ error: 'evaluationPeriods is a number' }).int('evaluationPeriods is a whole number').min(1, 'evaluationPeriods is at least 1').max(100, 'evaluationPeriods is at most 100').optional(),
    datapointsToAlarm: z.number().int('datapointsToAlarm is a whole number').min(1, 'datapointsToAlarm is at least 1').max(100).optional(),
    treatMissingData: z.enum(TREAT_MISSING_DATA, { error: `treatMissingData must be one of ${TREAT_MISSING_DATA.join(', ')}` }).optional(),
    actionsEnabled: z.boolean({ error: 'actionsEnabled is true or false' }).optional(),
    alarmActions: z.array(z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:/, 'an alarm action is an ARN (an SNS topic, for instance)').max(1600)).max(5, 'at most 5 alarm actions').optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.metric === !a.metrics) ctx.addIssue({ code: 'custom', path: ['metric'], message: `alarm "${a.name}" needs either a metric or metric math (metrics), not both` });
    if (a.metrics && a.metrics.filter((q) => q.returnData !== false).length !== 1) ctx.addIssue({ code: 'custom', path: ['metrics'], message: `alarm "${a.name}": exactly one query returns data (the others set returnData: false)` });
    if (a.datapointsToAlarm !== undefined && a.datapointsToAlarm > (a.evaluationPeriods ?? 1)) ctx.addIssue({ code: 'custom', path: ['datapointsToAlarm'], message: `alarm "${a.name}": datapointsToAlarm (${a.datapointsToAlarm}) cannot exceed evaluationPeriods (${a.evaluationPeriods ?? 1})` });
  });
export type AlarmSpec = z.infer<typeof alarmSpecSchema>;

const names = (what: string) => z.array(alarmName).max(MAX_ALARMS_PER_OPERATION, `at most ${MAX_ALARMS_PER_OPERATION} alarms to ${what} at once`).optional();

export const alarmsChangeSchema = z
  .object({
    /** The service's recommended set (lib/telemetry/recommended-alarms.ts), put in this operation. */
    recommended: z.boolean({ error: 'recommended is true or false' }).optional(),
    put: z.array(alarmSpecSchema).max(MAX_ALARMS_PER_OPERATION, `at most ${MAX_ALARMS_PER_OPERATION} alarms at once`).optional(),
    delete: names('delete'),
    enableActions: names('enable'),
    disableActions: names('disable'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.recommended && !c.put?.length && !c.delete?.length && !c.enableActions?.length && !c.disableActions?.length) {
      ctx.addIssue({ code: 'custom', message: 'say what to change: recommended, put, delete, enableActions or disableActions' });
    }
    const seen = new Map<string, string>();
    const claim = (name: string, what: string, path: (string | number)[]) => {
      const earlier = seen.get(name);
      if (earlier) ctx.addIssue({ code: 'custom', path, message: `alarm "${name}" is both ${earlier} and ${what} in one change` });
      else seen.set(name, what);
    };
    c.put?.forEach((a, i) => claim(a.name, 'put', ['put', i, 'name']));
    c.delete?.forEach((n, i) => claim(n, 'deleted', ['delete', i]));
    c.enableActions?.forEach((n, i) => claim(n, 'enabled', ['enableActions', i]));
    c.disableActions?.forEach((n, i) => claim(n, 'disabled', ['disableActions', i]));
  });
export type AlarmsChange = z.infer<typeof alarmsChangeSchema>;
