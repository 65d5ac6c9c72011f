/**
 * CloudWatch metric math: a small recursive-descent parser and an evaluator over time series.
 * Series combine on shared timestamps, as CloudWatch does (a timestamp missing from either side
 * has no result); functions of a single series return a scalar, of an array a series.
 */

export interface TimeSeries {
  label: string;
  /** Epoch ms, ascending. */
  timestamps: number[];
  values: number[];
}

export type MathValue = number | TimeSeries | TimeSeries[];

export type MathNode =
  | { type: 'number'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ref'; id: string }
  | { type: 'keyword'; name: 'REPEAT' | 'LINEAR' }
  | { type: 'unary'; op: '-' | 'NOT'; arg: MathNode }
  | { type: 'binary'; op: string; left: MathNode; right: MathNode }
  | { type: 'call'; name: string; args: MathNode[] }
  | { type: 'array'; items: MathNode[] };

/** A problem with the expression itself; the service answers it as a ValidationError. */
export class ExpressionError extends Error {}

export interface MathContext {
  resolve(id: string): TimeSeries;
  /** Every MetricStat result of the request, for METRICS(). */
  metrics(): TimeSeries[];
  /** The request's timestamps at this expression's period, for FILL and constants. */
  grid: number[];
  periodSeconds: number;
}

interface Token {
  kind: 'number' | 'ident' | 'string' | 'op' | 'end';
  text: string;
  at: number;
}

const FUNCTIONS = new Set(['ABS', 'AVG', 'CEIL', 'DIFF', 'FILL', 'FIRST', 'FLOOR', 'IF', 'LAST', 'MAX', 'METRICS', 'MIN', 'PERIOD', 'RATE', 'RUNNING_SUM', 'STDDEV', 'SUM', 'TIME_SERIES']);

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const number = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], at: i });
      i += ident[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = src.indexOf(ch, i + 1);
      if (end < 0) throw new ExpressionError(`Unterminated string at position ${i + 1}`);
      tokens.push({ kind: 'string', text: src.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const op = /^(>=|<=|==|!=|&&|\|\||[-+*/^()[\],<>])/.exec(src.slice(i));
    if (!op) throw new ExpressionError(`Unexpected character '${ch}' at position ${i + 1}`);
    tokens.push({ kind: 'op', text: op[0], at: i });
    i += op[0].length;
  }
  tokens.push({ kind: 'end', text: '', at: src.length });
  return tokens;
}

export function parseExpression(src: string): MathNode {
  if (!src.trim()) throw new ExpressionError('The expression is empty');
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const isOp = (text: string) => peek().kind === 'op' && peek().text === text;
  const isWord = (word: string) => peek().kind === 'ident' && peek().text.toUpperCase() === word;
  const expect = (text: string) => {
    const t = next();
    if (t.kind !== 'op' || t.text !== text) throw new ExpressionError(`Expected '${text}' at position ${t.at + 1}${t.kind === 'end' ? ' (end of expression)' : `, found '${t.text}'`}`);
  };

  const binaryLevel = (ops: string[], words: Record<string, string>, operand: () => MathNode) => (): MathNode => {
    let left = operand();
    for (;;) {
      const t = peek();
      const op = t.kind === 'op' && ops.includes(t.text) ? t.text : t.kind === 'ident' ? words[t.text.toUpperCase()] : undefined;
      if (!op) return left;
      next();
      left = { type: 'binary', op, left, right: operand() };
    }
  };

  const primary = (): MathNode => {
    const t = next();
    if (t.kind === 'number') return { type: 'number', value: Number(t.text) };
    if (t.kind === 'string') return { type: 'string', value: t.text };
    if (t.kind === 'op' && t.text === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (t.kind === 'op' && t.text === '[') {
      const items: MathNode[] = [];
      if (!isOp(']')) {
        do items.push(or());
        while (isOp(',') && next());
      }
      expect(']');
      return { type: 'array', items };
    }
    if (t.kind === 'ident') {
      const upper = t.text.toUpperCase();
      if (isOp('(')) {
        if (!FUNCTIONS.has(upper)) throw new ExpressionError(`Unknown function ${t.text} at position ${t.at + 1}`);
        next();
        const args: MathNode[] = [];
        if (!isOp(')')) {
          do args.push(or());
          while (isOp(',') && next());
        }
        expect(')');
        return { type: 'call', name: upper, args };
      }
      if (upper === 'REPEAT' || upper === 'LINEAR') return { type: 'keyword', name: upper };
      if (!/^[a-z][a-zA-Z0-9_]*$/.test(t.text)) throw new ExpressionError(`Unrecognized token '${t.text}' at position ${t.at + 1}`);
      return { type: 'ref', id: t.text };
    }
    throw new ExpressionError(t.kind === 'end' ? 'Unexpected end of expression' : `Unexpected '${t.text}' at position ${t.at + 1}`);
  };

  const unary = (): MathNode => {
    if (isOp('-')) {
      next();
      return { type: 'unary', op: '-', arg: unary() };
    }
    if (isOp('+')) {
      next();
      return unary();
    }
    if (isWord('NOT')) {
      next();
      return { type: 'unary', op: 'NOT', arg: unary() };
    }
    return power();
  };
  const power = (): MathNode => {
    const base = primary();
    if (isOp('^')) {
      next();
      return { type: 'binary', op: '^', left: base, right: unary() };
    }
    return base;
  };
  const product = binaryLevel(['*', '/'], {}, unary);
  const sum = binaryLevel(['+', '-'], {}, product);
  const comparison = binaryLevel(['>', '<', '>=', '<=', '==', '!='], {}, sum);
  const and = binaryLevel(['&&'], { AND: '&&' }, comparison);
  const or = binaryLevel(['||'], { OR: '||' }, and);

  const root = or();
  if (peek().kind !== 'end') throw new ExpressionError(`Unexpected '${peek().text}' at position ${peek().at + 1}`);
  return root;
}

/** Ids of other queries the expression reads. */
export function referencedIds(node: MathNode): string[] {
  switch (node.type) {
    case 'ref':
      return [node.id];
    case 'unary':
      return referencedIds(node.arg);
    case 'binary':
      return [...referencedIds(node.left), ...referencedIds(node.right)];
    case 'call':
      return node.args.flatMap(referencedIds);
    case 'array':
      return node.items.flatMap(referencedIds);
    default:
      return [];
  }
}

export function usesMetricsFunction(node: MathNode): boolean {
  if (node.type === 'call') return node.name === 'METRICS' || node.args.some(usesMetricsFunction);
  if (node.type === 'binary') return usesMetricsFunction(node.left) || usesMetricsFunction(node.right);
  if (node.type === 'unary') return usesMetricsFunction(node.arg);
  if (node.type === 'array') return node.items.some(usesMetricsFunction);
  return false;
}

const isSeries = (v: MathValue): v is TimeSeries => typeof v === 'object' && !Array.isArray(v);

function applyBinary(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '^':
      return a ** b;
    case '>':
      return Number(a > b);
    case '<':
      return Number(a < b);
    case '>=':
      return Number(a >= b);
    case '<=':
      return Number(a <= b);
    case '==':
      return Number(a === b);
    case '!=':
      return Number(a !== b);
    case '&&':
      return Number(a !== 0 && b !== 0);
    case '||':
      return Number(a !== 0 || b !== 0);
  }
  throw new ExpressionError(`Unknown operator ${op}`);
}

function mapSeries(s: TimeSeries, fn: (v: number, i: number) => number, label = s.label): TimeSeries {
  return { label, timestamps: [...s.timestamps], values: s.values.map(fn) };
}

/** Pointwise combination on the timestamps both series have. */
function zip(a: TimeSeries, b: TimeSeries, fn: (x: number, y: number) => number): TimeSeries {
  const byTime = new Map(b.timestamps.map((t, i) => [t, b.values[i]!]));
  const out: TimeSeries = { label: a.label, timestamps: [], values: [] };
  a.timestamps.forEach((t, i) => {
    const y = byTime.get(t);
    if (y === undefined) return;
    out.timestamps.push(t);
    out.values.push(fn(a.values[i]!, y));
  });
  return out;
}

function combine(op: string, left: MathValue, right: MathValue): MathValue {
  const f = (x: number, y: number) => applyBinary(op, x, y);
  if (Array.isArray(left)) return left.map((s) => combine(op, s, right) as TimeSeries);
  if (Array.isArray(right)) return right.map((s) => combine(op, left, s) as TimeSeries);
  if (typeof left === 'number' && typeof right === 'number') return f(left, right);
  if (typeof left === 'number') return mapSeries(right as TimeSeries, (v) => f(left, v));
  if (typeof right === 'number') return mapSeries(left, (v) => f(v, right));
  return zip(left, right, f);
}

const reducers: Record<string, (xs: number[]) => number> = {
  SUM: (xs) => xs.reduce((a, b) => a + b, 0),
  AVG: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  MAX: (xs) => Math.max(...xs),
  MIN: (xs) => Math.min(...xs),
  STDDEV: (xs) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  },
};

/** Across an array: one series whose value at each timestamp reduces the series that have one there. */
function reduceAcross(name: string, series: TimeSeries[]): TimeSeries {
  const byTime = new Map<number, number[]>();
  for (const s of series) s.timestamps.forEach((t, i) => (byTime.get(t) ?? byTime.set(t, []).get(t)!).push(s.values[i]!));
  const timestamps = [...byTime.keys()].sort((a, b) => a - b);
  return { label: name, timestamps, values: timestamps.map((t) => reducers[name]!(byTime.get(t)!)) };
}

function fill(series: TimeSeries, how: MathValue | 'REPEAT' | 'LINEAR', grid: number[]): TimeSeries {
  const known = new Map(series.timestamps.map((t, i) => [t, series.values[i]!]));
  const out: TimeSeries = { label: series.label, timestamps: [], values: [] };
  const times = [...new Set([...grid, ...series.timestamps])].sort((a, b) => a - b);
  const fillSeries = typeof how === 'object' && isSeries(how) ? new Map(how.timestamps.map((t, i) => [t, how.values[i]!])) : undefined;
  let previous: number | undefined;
  times.forEach((t) => {
    let value = known.get(t);
    if (value === undefined) {
      if (typeof how === 'number') value = how;
      else if (how === 'REPEAT') value = previous;
      else if (how === 'LINEAR') {
        const before = series.timestamps.filter((x) => x < t).pop();
        const after = series.timestamps.find((x) => x > t);
        if (before !== undefined && after !== undefined) {
          const a = known.get(before)!;
          value = a + ((known.get(after)! - a) * (t - before)) / (after - before);
        }
      } else if (fillSeries) value = fillSeries.get(t);
    }
    if (value === undefined) return;
    previous = value;
    out.timestamps.push(t);
    out.values.push(value);
  });
  return out;
}

function constantSeries(value: number, grid: number[], label: string): TimeSeries {
  return { label, timestamps: [...grid], values: grid.map(() => value) };
}

export function evaluateExpression(node: MathNode, ctx: MathContext): MathValue {
  const ev = (n: MathNode) => evaluateExpression(n, ctx);
  switch (node.type) {
    case 'number':
      return node.value;
    case 'ref':
      return ctx.resolve(node.id);
    case 'string':
    case 'keyword':
      throw new ExpressionError(`${node.type === 'string' ? `"${node.value}"` : node.name} is only valid as a function argument`);
    case 'array': {
      const items = node.items.map(ev).flatMap((v) => (Array.isArray(v) ? v : [v]));
      if (items.some((v) => typeof v === 'number')) throw new ExpressionError('An array may only contain time series');
      return items as TimeSeries[];
    }
    case 'unary': {
      const arg = ev(node.arg);
      return node.op === '-' ? combine('*', arg, -1) : combine('==', arg, 0);
    }
    case 'binary':
      return combine(node.op, ev(node.left), ev(node.right));
    case 'call':
      return callFunction(node, ctx);
  }
}

function callFunction(node: Extract<MathNode, { type: 'call' }>, ctx: MathContext): MathValue {
  const { name, args } = node;
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) throw new ExpressionError(`${name} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  };
  const seriesArg = (i: number): TimeSeries => {
    const v = evaluateExpression(args[i]!, ctx);
    if (!isSeries(v)) throw new ExpressionError(`Argument ${i + 1} of ${name} must be a time series`);
    return v;
  };
  switch (name) {
    case 'METRICS': {
      arity(0, 1);
      const filter = args[0];
      if (filter && filter.type !== 'string') throw new ExpressionError('METRICS takes a string filter');
      return ctx.metrics().filter((s) => !filter || s.label.includes((filter as { value: string }).value));
    }
    case 'SUM':
    case 'AVG':
    case 'MAX':
    case 'MIN':
    case 'STDDEV': {
      arity(1);
      const v = evaluateExpression(args[0]!, ctx);
      if (typeof v === 'number') return v;
      if (Array.isArray(v)) return reduceAcross(name, v);
      return v.values.length ? reducers[name]!(v.values) : NaN;
    }
    case 'ABS':
    case 'CEIL':
    case 'FLOOR': {
      arity(1);
      const fn = { ABS: Math.abs, CEIL: Math.ceil, FLOOR: Math.floor }[name];
      const v = evaluateExpression(args[0]!, ctx);
      if (typeof v === 'number') return fn(v);
      return Array.isArray(v) ? v.map((s) => mapSeries(s, fn)) : mapSeries(v, fn);
    }
    case 'FILL': {
      arity(2);
      const target = evaluateExpression(args[0]!, ctx);
      const how = args[1]!.type === 'keyword' ? args[1]!.name : evaluateExpression(args[1]!, ctx);
      if (typeof target === 'number') throw new ExpressionError('Argument 1 of FILL must be a time series or an array of time series');
      if (Array.isArray(how)) throw new ExpressionError('Argument 2 of FILL must be a number, a time series, REPEAT or LINEAR');
      return Array.isArray(target) ? target.map((s) => fill(s, how, ctx.grid)) : fill(target, how, ctx.grid);
    }
    case 'IF': {
      arity(2, 3);
      const condition = evaluateExpression(args[0]!, ctx);
      const whenTrue = evaluateExpression(args[1]!, ctx);
      const whenFalse = args[2] ? evaluateExpression(args[2], ctx) : undefined;
      if (Array.isArray(condition) || Array.isArray(whenTrue) || Array.isArray(whenFalse)) throw new ExpressionError('IF does not take arrays');
      const cond = typeof condition === 'number' ? constantSeries(condition, ctx.grid, 'IF') : condition;
      const lookup = (v: number | TimeSeries | undefined) => {
        if (v === undefined || typeof v === 'number') return () => v;
        const byTime = new Map(v.timestamps.map((t, i) => [t, v.values[i]!]));
        return (t: number) => byTime.get(t);
      };
      const [onTrue, onFalse] = [lookup(whenTrue), lookup(whenFalse)];
      const out: TimeSeries = { label: cond.label, timestamps: [], values: [] };
      cond.timestamps.forEach((t, i) => {
        const value = cond.values[i] !== 0 ? onTrue(t) : onFalse(t);
        if (value === undefined) return;
        out.timestamps.push(t);
        out.values.push(value);
      });
      return out;
    }
    case 'PERIOD':
      arity(1);
      seriesArg(0);
      return ctx.periodSeconds;
    case 'DIFF':
    case 'RATE': {
      arity(1);
      const s = seriesArg(0);
      const out: TimeSeries = { label: s.label, timestamps: s.timestamps.slice(1), values: [] };
      for (let i = 1; i < s.values.length; i++) {
        const diff = s.values[i]! - s.values[i - 1]!;
        out.values.push(name === 'DIFF' ? diff : diff / ((s.timestamps[i]! - s.timestamps[i - 1]!) / 1000));
      }
      return out;
    }
    case 'RUNNING_SUM': {
      arity(1);
      let acc = 0;
      return mapSeries(seriesArg(0), (v) => (acc += v));
    }
    case 'FIRST':
    case 'LAST': {
      arity(1);
      const v = evaluateExpression(args[0]!, ctx);
      if (!Array.isArray(v)) throw new ExpressionError(`${name} takes an array of time series`);
      const nonEmpty = v.filter((s) => s.values.length);
      return (name === 'FIRST' ? nonEmpty[0] : nonEmpty[nonEmpty.length - 1]) ?? { label: name, timestamps: [], values: [] };
    }
    case 'TIME_SERIES': {
      arity(1);
      const v = evaluateExpression(args[0]!, ctx);
      if (typeof v !== 'number') throw new ExpressionError('TIME_SERIES takes a number');
      return constantSeries(v, ctx.grid, 'TIME_SERIES');
    }
  }
  throw new ExpressionError(`Unknown function ${name}`);
}
