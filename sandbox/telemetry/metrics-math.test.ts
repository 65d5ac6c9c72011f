import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateExpression, ExpressionError, parseExpression, referencedIds, type MathContext, type TimeSeries } from './metrics-math';

const T = (i: number) => Date.UTC(2026, 10, 27, 0, i);
const series = (label: string, points: [number, number][]): TimeSeries => ({ label, timestamps: points.map(([i]) => T(i)), values: points.map(([, v]) => v) });

function context(inputs: Record<string, TimeSeries>, minutes = 4): MathContext {
  return {
    resolve: (id) => inputs[id]!,
    metrics: () => Object.values(inputs),
    grid: Array.from({ length: minutes }, (_, i) => T(i)),
    periodSeconds: 60,
  };
}

const run = (expression: string, inputs: Record<string, TimeSeries>) => evaluateExpression(parseExpression(expression), context(inputs));

describe('metric math', () => {
  const errors = series('5xx', [[0, 2], [2, 10]]);
  const requests = series('requests', [[0, 100], [1, 200], [2, 100], [3, 0]]);

  it('honours precedence and parentheses', () => {
    assert.equal(run('1 + 2 * 3', {}), 7);
    assert.equal(run('(1 + 2) * 3', {}), 9);
    assert.equal(run('-2 ^ 2 + 10 / 4', {}), -1.5, 'unary minus binds looser than ^');
    assert.equal(run('2 * -3', {}), -6);
  });

  it('computes a 5xx rate on the timestamps both series have', () => {
    const rate = run('m1 / m2 * 100', { m1: errors, m2: requests }) as TimeSeries;
    assert.deepEqual(rate.timestamps, [T(0), T(2)]);
    assert.deepEqual(rate.values, [2, 10]);
  });

  it('FILL supplies missing points over the request grid (value, REPEAT, LINEAR)', () => {
    const filled = run('FILL(m1, 0) / m2 * 100', { m1: errors, m2: requests }) as TimeSeries;
    assert.deepEqual(filled.values, [2, 0, 10, NaN], '0/0 is left for the caller to drop');
    assert.deepEqual((run('FILL(m1, REPEAT)', { m1: errors }) as TimeSeries).values, [2, 2, 10, 10]);
    assert.deepEqual((run('FILL(m1, LINEAR)', { m1: errors }) as TimeSeries).values, [2, 6, 10]);
  });

  it('reduces one series to a scalar and an array to a series', () => {
    assert.equal(run('SUM(m2)', { m2: requests }), 400);
    assert.equal(run('AVG(m2)', { m2: requests }), 100);
    const summed = run('SUM([m1, m2])', { m1: errors, m2: requests }) as TimeSeries;
    assert.deepEqual(summed.values, [102, 200, 110, 0]);
    assert.deepEqual((run('MAX([m1, m2])', { m1: errors, m2: requests }) as TimeSeries).values, [100, 200, 100, 0]);
    assert.deepEqual((run('MIN(METRICS())', { m1: errors, m2: requests }) as TimeSeries).values, [2, 200, 10, 0]);
  });

  it('IF keeps, replaces or drops points by a condition', () => {
    assert.deepEqual((run('IF(m2 > 100, 1, 0)', { m2: requests }) as TimeSeries).values, [0, 1, 0, 0]);
    assert.deepEqual((run('IF(m2 >= 100 AND m2 < 200, m2)', { m2: requests }) as TimeSeries).values, [100, 100]);
  });

  it('knows PERIOD, DIFF, RATE and RUNNING_SUM', () => {
    assert.equal(run('PERIOD(m2)', { m2: requests }), 60);
    assert.deepEqual((run('DIFF(m2)', { m2: requests }) as TimeSeries).values, [100, -100, -100]);
    assert.deepEqual((run('RATE(m2)', { m2: requests }) as TimeSeries).values.map((v) => Math.round(v * 60)), [100, -100, -100]);
    assert.deepEqual((run('RUNNING_SUM(m2)', { m2: requests }) as TimeSeries).values, [100, 300, 400, 400]);
  });

  it('lists the ids an expression reads', () => {
    assert.deepEqual(referencedIds(parseExpression('FILL(m1, 0) / SUM([m2, errors_total]) * 100')), ['m1', 'm2', 'errors_total']);
  });

  it('reports syntax errors with their position', () => {
    for (const [expression, message] of [
      ['m1 +* 2', /Unexpected '\*' at position 5/],
      ['(m1 + 2', /Expected '\)'/],
      ['FOO(m1)', /Unknown function FOO/],
      ['m1 $ 2', /Unexpected character '\$'/],
      ['M1 + 1', /Unrecognized token 'M1'/],
      ['', /empty/],
      ['FILL(m1)', /FILL takes 2 arguments/],
    ] as const) {
      assert.throws(() => run(expression, { m1: errors }), (e: unknown) => e instanceof ExpressionError && message.test(e.message), expression);
    }
  });
});
