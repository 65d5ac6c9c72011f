/**
 * Runs a set of MetricDataQueries (metric stats and math expressions that reference each other)
 * over a time range: what GetMetricData and metric-math alarms both need.
 */
import { evaluateExpression, ExpressionError, parseExpression, referencedIds, usesMetricsFunction, type MathNode, type TimeSeries } from './metrics-math';
import { parseStatistic } from './metrics-stats';
import type { Dimension, MetricStore } from './metrics-store';

export interface MetricStatSpec {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  period: number;
  stat: string;
  unit?: string;
}

export interface MetricQuery {
  id: string;
  metricStat?: MetricStatSpec;
  expression?: string;
  /** Period of an expression's result (its inputs' period when absent). */
  period?: number;
  label?: string;
  returnData: boolean;
}

export interface QueryMessage {
  code: string;
  value: string;
}

export interface QueryResult extends TimeSeries {
  id: string;
  messages: QueryMessage[];
}

/** The request itself is wrong (bad id, unknown reference, a cycle, a syntax error): a ValidationError. */
export class QueryValidationError extends Error {}

const ID = /^[a-z][a-zA-Z0-9_]*$/;
const DROPPED = 'One or more data-points have been dropped due to non-numeric values (NaN, -Infinite, +Infinite)';

export interface PreparedQueries {
  queries: MetricQuery[];
  parsed: Map<string, MathNode>;
}

/** Checks ids, statistics, expressions and references before anything is computed. */
export function prepareQueries(queries: MetricQuery[]): PreparedQueries {
  const ids = new Set<string>();
  const parsed = new Map<string, MathNode>();
  queries.forEach((q, i) => {
    const where = `MetricDataQueries.member.${i + 1}`;
    if (!ID.test(q.id)) throw new QueryValidationError(`The value ${q.id} for parameter ${where}.Id is not valid. The Id must start with a lowercase letter and contain only letters, digits and underscores.`);
    if (ids.has(q.id)) throw new QueryValidationError(`The values for parameter id in MetricDataQueries are not unique: ${q.id}`);
    ids.add(q.id);
    if (Boolean(q.metricStat) === Boolean(q.expression)) throw new QueryValidationError(`Exactly one element of the metricStat or the expression must be provided in ${where}.`);
    if (q.metricStat) {
      if (!parseStatistic(q.metricStat.stat)) throw new QueryValidationError(`The value ${q.metricStat.stat} for parameter ${where}.MetricStat.Stat is not a valid statistic.`);
      if (!validPeriod(q.metricStat.period)) throw new QueryValidationError(`The parameter ${where}.MetricStat.Period must be 1, 5, 10, 20, 30, or a multiple of 60.`);
    }
    if (q.expression !== undefined) {
      try {
        parsed.set(q.id, parseExpression(q.expression));
      } catch (e) {
        if (e instanceof ExpressionError) throw new QueryValidationError(`Error in expression ${q.id}: ${e.message}`);
        throw e;
      }
    }
  });
  for (const [id, node] of parsed) {
    for (const ref of referencedIds(node)) {
      if (!ids.has(ref)) throw new QueryValidationError(`Error in expression ${id}: Unrecognized identifier ${ref}`);
      if (ref === id) throw new QueryValidationError(`Error in expression ${id}: Circular dependency detected`);
    }
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string) => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw new QueryValidationError(`Error in expression ${id}: Circular dependency detected`);
    visiting.add(id);
    for (const ref of parsed.has(id) ? referencedIds(parsed.get(id)!) : []) visit(ref);
    visiting.delete(id);
    done.add(id);
  };
  for (const q of queries) visit(q.id);
  return { queries, parsed };
}

export const validPeriod = (p: number) => Number.isInteger(p) && (p === 1 || p === 5 || p === 10 || p === 20 || p === 30 || (p >= 60 && p % 60 === 0));

/** The data is per minute, so high-resolution periods read as one minute. */
const effectivePeriod = (p: number) => Math.max(60, p);

export function runMetricQueries(store: MetricStore, prepared: PreparedQueries, startMs: number, endMs: number): Map<string, QueryResult> {
  const results = new Map<string, QueryResult>();
  const byId = new Map(prepared.queries.map((q) => [q.id, q]));
  const first = Math.floor(startMs / 60_000) * 60_000;
  const gridOf = (periodSeconds: number) => {
    const grid: number[] = [];
    for (let t = first; t < endMs; t += periodSeconds * 1000) grid.push(t);
    return grid;
  };
  const periodOf = (q: MetricQuery, seen = new Set<string>()): number => {
    if (q.metricStat) return effectivePeriod(q.metricStat.period);
    if (q.period) return effectivePeriod(q.period);
    seen.add(q.id);
    const inputs = prepared.parsed.has(q.id) ? referencedIds(prepared.parsed.get(q.id)!) : [];
    const periods = inputs.filter((id) => !seen.has(id)).map((id) => periodOf(byId.get(id)!, seen));
    if (usesMetricsFunction(prepared.parsed.get(q.id)!)) periods.push(...prepared.queries.filter((x) => x.metricStat).map((x) => effectivePeriod(x.metricStat!.period)));
    return periods.length ? Math.min(...periods) : 60;
  };

  const compute = (q: MetricQuery): QueryResult => {
    const done = results.get(q.id);
    if (done) return done;
    let result: QueryResult;
    if (q.metricStat) {
      const spec = q.metricStat;
      const series = store.find(spec.namespace, spec.metricName, spec.dimensions);
      const data = series ? store.query(series, startMs, endMs, effectivePeriod(spec.period), parseStatistic(spec.stat)!) : { timestamps: [], values: [] };
      result = { id: q.id, label: q.label ?? spec.metricName, ...data, messages: [] };
    } else {
      const period = periodOf(q);
      let value;
      try {
        value = evaluateExpression(prepared.parsed.get(q.id)!, {
          resolve: (id) => compute(byId.get(id)!),
          metrics: () => prepared.queries.filter((x) => x.metricStat).map(compute),
          grid: gridOf(period),
          periodSeconds: period,
        });
      } catch (e) {
        if (e instanceof ExpressionError) throw new QueryValidationError(`Error in expression ${q.id}: ${e.message}`);
        throw e;
      }
      let series: TimeSeries;
      if (typeof value === 'number') series = { label: q.id, timestamps: gridOf(period), values: gridOf(period).map(() => value) };
      else if (Array.isArray(value)) {
        if (value.length !== 1) throw new QueryValidationError(`Error in expression ${q.id}: the expression returns ${value.length} time series; reduce them to one (SUM, AVG, MAX, MIN)`);
        series = value[0]!;
      } else series = value;
      result = { id: q.id, label: q.label ?? q.id, timestamps: [], values: [], messages: [] };
      series.timestamps.forEach((t, i) => {
        const v = series.values[i]!;
        if (!Number.isFinite(v)) return;
        result.timestamps.push(t);
        result.values.push(v);
      });
      if (result.values.length < series.values.length) result.messages.push({ code: 'ArithmeticError', value: DROPPED });
    }
    results.set(q.id, result);
    return result;
  };

  for (const q of prepared.queries) compute(q);
  return results;
}
