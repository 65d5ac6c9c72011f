/**
 * CloudWatch Logs filter patterns, as FilterLogEvents, metric filters and Live Tail read them:
 * - terms: `ERROR Exception` (all must appear, case-sensitive substrings), `"quoted phrase"`,
 *   `-term` exclusions, `?a ?b` (at least one), `%regex%`;
 * - JSON: `{ $.level = "error" && ($.latency > 500 || $.status >= 500) }`, `!=`, `*` wildcards in
 *   strings, `IS NULL`, `NOT EXISTS`, `IS TRUE|FALSE`;
 * - space-delimited: `[ip, user, ..., status = 5*, bytes > 1000]`.
 * Pure: compile once, then test messages. Errors carry the 0-based position of the problem.
 */
import { setFlagsFromString } from 'node:v8';

export class FilterPatternError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} (at position ${position})`);
    this.name = 'FilterPatternError';
  }
}

export type MessageMatcher = (message: string) => boolean;

export function compileFilterPattern(pattern: string | undefined | null): MessageMatcher {
  const text = pattern ?? '';
  const start = text.length - text.trimStart().length;
  if (start === text.length) return () => true;
  if (text[start] === '{') return compileJsonPattern(text, start);
  if (text[start] === '[') return compileDelimitedPattern(text, start);
  return compileTermPattern(text);
}

const isWordChar = (c: string) => /[A-Za-z0-9_]/.test(c);
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/** Reads `"…"` starting at `i` (the opening quote); `\"` and `\\` escape. */
function readQuoted(text: string, i: number): { value: string; end: number } {
  let value = '';
  let j = i + 1;
  while (j < text.length && text[j] !== '"') {
    if (text[j] === '\\' && j + 1 < text.length) j++;
    value += text[j];
    j++;
  }
  if (j >= text.length) throw new FilterPatternError('Unterminated quoted string', i);
  return { value, end: j + 1 };
}

/*
 * A viewer's pattern must not be able to stall the sandbox (`%(a+)+$%` took seconds on a 24-character
 * line before). Two defences, both as CloudWatch Logs behaves:
 * - its regex dialect has no ( ) groups and no multi-byte characters, so the patterns that backtrack
 *   exponentially cannot be written; such a pattern is refused, as AWS refuses it;
 * - what remains is accepted only if V8's linear-time engine can run it (so a huge bounded repeat
 *   like `[a-z]{1,1000}` three times over is refused as too complex), and V8 is told to switch a
 *   match to that engine once it backtracks excessively: ordinary patterns keep the fast
 *   backtracking engine, and no pattern takes more than linear time.
 */
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** Whether this V8 has the linear engine (the `l` flag); a V8 without it must not refuse every regex. */
const LINEAR_ENGINE = (() => {
  try {
    new RegExp('a', 'l');
    return true;
  } catch {
    return false;
  }
})();

function compileRegex(source: string, position: number): RegExp {
  const unsupported = [...source].findIndex((c) => c === '(' || c === ')' || c.codePointAt(0)! > 0x7f);
  if (unsupported >= 0) throw new FilterPatternError(`Invalid character(s) in term '%${source}%': '${[...source][unsupported]}' is not supported in a regular expression`, position + 1 + unsupported);
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch {
    throw new FilterPatternError(`Invalid regular expression %${source}%`, position);
  }
  if (LINEAR_ENGINE) {
    try {
      new RegExp(source, 'l');
    } catch {
      throw new FilterPatternError(`Regular expression %${source}% is too complex`, position);
    }
  }
  return regex;
}

/** Reads `%…%` starting at `i`. */
function readRegex(text: string, i: number): { regex: RegExp; end: number } {
  const close = text.indexOf('%', i + 1);
  if (close < 0) throw new FilterPatternError('Unterminated regular expression (missing closing %)', i);
  return { regex: compileRegex(text.slice(i + 1, close), i), end: close + 1 };
}

type Term = (message: string) => boolean;

function compileTermPattern(text: string): MessageMatcher {
  const required: Term[] = [];
  const excluded: Term[] = [];
  const anyOf: Term[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    let bucket = required;
    const prefixAt = i;
    if (text[i] === '-' || text[i] === '?') {
      bucket = text[i] === '-' ? excluded : anyOf;
      i++;
      while (isSpace(text[i])) i++;
      if (i >= text.length) throw new FilterPatternError(`Expected a term after "${text[prefixAt]}"`, prefixAt);
    }
    if (text[i] === '"') {
      const { value, end } = readQuoted(text, i);
      bucket.push((m) => m.includes(value));
      i = end;
    } else if (text[i] === '%') {
      const { regex, end } = readRegex(text, i);
      bucket.push((m) => regex.test(m));
      i = end;
    } else {
      const begin = i;
      while (i < text.length && !isSpace(text[i]) && text[i] !== '"') i++;
      const term = text.slice(begin, i);
      const bad = [...term].findIndex((c) => !isWordChar(c));
      if (bad >= 0) {
        throw new FilterPatternError(`Invalid character(s) in term '${term}': '${term[bad]}' needs the term in double quotes`, begin + bad);
      }
      bucket.push((m) => m.includes(term));
    }
    if (i < text.length && !isSpace(text[i])) throw new FilterPatternError(`Unexpected '${text[i]}' after a term`, i);
  }
  return (message) =>
    required.every((t) => t(message)) && !excluded.some((t) => t(message)) && (anyOf.length === 0 || anyOf.some((t) => t(message)));
}

type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

type ValueTest = { kind: 'number'; value: number } | { kind: 'string'; test: (s: string) => boolean; literal: string };

/** A string value: `*` matches any run of characters anywhere in it. */
function globTest(value: string): (s: string) => boolean {
  if (!value.includes('*')) return (s) => s === value;
  const regex = new RegExp(`^${value.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return (s) => regex.test(s);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function compare(op: ComparisonOp, a: number, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** A small scanner shared by the JSON and space-delimited forms. */
class Scanner {
  i: number;
  constructor(readonly text: string, start: number) {
    this.i = start;
  }
  skip(): void {
    while (isSpace(this.text[this.i])) this.i++;
  }
  peek(s: string): boolean {
    this.skip();
    return this.text.startsWith(s, this.i);
  }
  peekWord(word: string): boolean {
    this.skip();
    const next = this.text.slice(this.i, this.i + word.length);
    return next.toUpperCase() === word && !isWordChar(this.text[this.i + word.length] ?? ' ');
  }
  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.i += s.length;
    return true;
  }
  expect(s: string, what: string): void {
    if (!this.eat(s)) throw this.error(`Expected ${what}`);
  }
  error(message: string): FilterPatternError {
    this.skip();
    const found = this.i < this.text.length ? ` but found '${this.text.slice(this.i, this.i + 12).split(/\s/)[0]}'` : ' but the pattern ended';
    return new FilterPatternError(`${message}${found}`, this.i);
  }
  operator(): ComparisonOp | null {
    for (const op of ['!=', '<=', '>=', '=', '<', '>'] as const) if (this.eat(op)) return op;
    return null;
  }
  /** A comparison's right-hand side: quoted string, %regex%, number or bare word. */
  value(op: ComparisonOp, stop: RegExp): ValueTest {
    this.skip();
    const at = this.i;
    let test: ValueTest;
    if (this.text[this.i] === '"') {
      const { value, end } = readQuoted(this.text, this.i);
      this.i = end;
      test = { kind: 'string', test: globTest(value), literal: value };
    } else if (this.text[this.i] === '%') {
      const { regex, end } = readRegex(this.text, this.i);
      this.i = end;
      test = { kind: 'string', test: (s) => regex.test(s), literal: regex.source };
    } else {
      const begin = this.i;
      while (this.i < this.text.length && !isSpace(this.text[this.i]) && !stop.test(this.text[this.i]!) && !this.text.startsWith('&&', this.i) && !this.text.startsWith('||', this.i)) this.i++;
      const raw = this.text.slice(begin, this.i);
      if (!raw) throw this.error('Expected a value after the operator');
      test = NUMBER.test(raw) ? { kind: 'number', value: Number(raw) } : { kind: 'string', test: globTest(raw), literal: raw };
    }
    if (op !== '=' && op !== '!=' && test.kind !== 'number') throw new FilterPatternError(`Operator ${op} needs a number, not '${test.literal}'`, at);
    return test;
  }
}

type JsonNode = { op: 'and' | 'or'; left: JsonNode; right: JsonNode } | { op: 'cond'; test: (root: unknown) => boolean };

const MISSING = Symbol('missing');

type PathStep = string | number;

function select(root: unknown, path: PathStep[]): unknown {
  let node: unknown = root;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(node) || step >= node.length) return MISSING;
      node = node[step];
    } else {
      if (typeof node !== 'object' || node === null || Array.isArray(node) || !(step in node)) return MISSING;
      node = (node as Record<string, unknown>)[step];
    }
  }
  return node;
}

function valueMatches(node: unknown, op: ComparisonOp, value: ValueTest): boolean {
  // A selector must point at a value node; objects, arrays and absent keys never match (even !=).
  if (node === MISSING || node === null || typeof node === 'object') return false;
  if (value.kind === 'number') {
    const n = typeof node === 'number' ? node : typeof node === 'string' && NUMBER.test(node) ? Number(node) : NaN;
    if (Number.isNaN(n)) return op === '!=';
    return compare(op, n, value.value);
  }
  const matched = value.test(String(node));
  return op === '=' ? matched : !matched;
}

function compileJsonPattern(text: string, start: number): MessageMatcher {
  const s = new Scanner(text, start + 1);

  const selector = (): PathStep[] => {
    s.skip();
    if (text[s.i] !== '$') throw s.error('Expected a selector starting with $');
    s.i++;
    const path: PathStep[] = [];
    for (;;) {
      if (text[s.i] === '.') {
        s.i++;
        const begin = s.i;
        while (s.i < text.length && /[A-Za-z0-9_\-@]/.test(text[s.i]!)) s.i++;
        if (s.i === begin) throw new FilterPatternError('Expected a property name after "."', s.i);
        path.push(text.slice(begin, s.i));
      } else if (text[s.i] === '[') {
        const match = /^\[(\d+)\]/.exec(text.slice(s.i));
        if (!match) throw new FilterPatternError('Expected an array index like [0]', s.i);
        path.push(Number(match[1]));
        s.i += match[0].length;
      } else break;
    }
    if (path.length === 0) throw new FilterPatternError('Expected a property after $ (e.g. $.level)', s.i);
    return path;
  };

  const condition = (): JsonNode => {
    const path = selector();
    if (s.peekWord('IS')) {
      s.i += 2;
      for (const [word, want] of [['NULL', null], ['TRUE', true], ['FALSE', false]] as const) {
        if (s.peekWord(word)) {
          s.i += word.length;
          return { op: 'cond', test: (root) => select(root, path) === want };
        }
      }
      throw s.error('Expected NULL, TRUE or FALSE after IS');
    }
    if (s.peekWord('NOT')) {
      s.i += 3;
      if (!s.peekWord('EXISTS')) throw s.error('Expected EXISTS after NOT');
      s.i += 6;
      return { op: 'cond', test: (root) => select(root, path) === MISSING };
    }
    const op = s.operator();
    if (!op) throw s.error('Expected a comparison operator (=, !=, <, <=, >, >=)');
    const value = s.value(op, /[)}]/);
    return { op: 'cond', test: (root) => valueMatches(select(root, path), op, value) };
  };

  const primary = (): JsonNode => {
    if (s.eat('(')) {
      const inner = or();
      s.expect(')', "')'");
      return inner;
    }
    return condition();
  };
  const and = (): JsonNode => {
    let left = primary();
    while (s.eat('&&')) left = { op: 'and', left, right: primary() };
    return left;
  };
  function or(): JsonNode {
    let left = and();
    while (s.eat('||')) left = { op: 'or', left, right: and() };
    return left;
  }

  const tree = or();
  s.expect('}', "'}', '&&' or '||'");
  s.skip();
  if (s.i < text.length) throw new FilterPatternError(`Unexpected '${text[s.i]}' after the closing '}'`, s.i);

  const evaluate = (node: JsonNode, root: unknown): boolean => {
    if (node.op === 'cond') return node.test(root);
    if (node.op === 'and') return evaluate(node.left, root) && evaluate(node.right, root);
    return evaluate(node.left, root) || evaluate(node.right, root);
  };
  return (message) => {
    const trimmed = message.trimStart();
    if (trimmed[0] !== '{') return false;
    let root: unknown;
    try {
      root = JSON.parse(message);
    } catch {
      return false;
    }
    return evaluate(tree, root);
  };
}

/** Splits a space-delimited event; `"…"` and `[…]` are one field each, without their delimiters. */
export function splitDelimited(message: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < message.length) {
    if (isSpace(message[i])) {
      i++;
      continue;
    }
    const close = message[i] === '"' ? '"' : message[i] === '[' ? ']' : null;
    if (close) {
      const end = message.indexOf(close, i + 1);
      const stop = end < 0 ? message.length : end;
      fields.push(message.slice(i + 1, stop));
      i = stop + 1;
    } else {
      const begin = i;
      while (i < message.length && !isSpace(message[i])) i++;
      fields.push(message.slice(begin, i));
    }
  }
  return fields;
}

type FieldCondition = { op: 'and' | 'or'; left: FieldCondition; right: FieldCondition } | { op: 'cond'; field: string; compare: ComparisonOp; value: ValueTest };
interface DelimitedField {
  name: string | null;
  condition: FieldCondition | null;
}

function compileDelimitedPattern(text: string, start: number): MessageMatcher {
  const s = new Scanner(text, start + 1);
  const fields: DelimitedField[] = [];

  const condition = (field: string): FieldCondition => {
    s.skip();
    // Conditions joined by && / || may name another field: `status = 4* && bytes > 1000`.
    let name = field;
    const named = /^[A-Za-z_][A-Za-z0-9_]*(?=\s*(!=|<=|>=|=|<|>))/.exec(text.slice(s.i));
    if (named) {
      name = named[0];
      s.i += name.length;
    }
    const op = s.operator();
    if (!op) throw s.error('Expected a comparison operator (=, !=, <, <=, >, >=)');
    return { op: 'cond', field: name, compare: op, value: s.value(op, /[,\]]/) };
  };
  const conditions = (field: string): FieldCondition => {
    let left = condition(field);
    for (;;) {
      if (s.eat('&&')) left = { op: 'and', left, right: condition(field) };
      else if (s.eat('||')) left = { op: 'or', left, right: condition(field) };
      else return left;
    }
  };

  if (!s.eat(']')) {
    for (;;) {
      s.skip();
      if (s.eat('...') || s.eat('…')) fields.push({ name: null, condition: null });
      else {
        const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(s.i));
        if (!match) throw s.error('Expected a field name or ...');
        s.i += match[0].length;
        const name = match[0];
        s.skip();
        const hasCondition = /^(!=|<=|>=|=|<|>)/.test(text.slice(s.i));
        fields.push({ name, condition: hasCondition ? conditions(name) : null });
      }
      if (s.eat(',')) {
        if (s.peek(']')) {
          s.eat(']');
          break;
        }
        continue;
      }
      s.expect(']', "',' or ']'");
      break;
    }
  }
  s.skip();
  if (s.i < text.length) throw new FilterPatternError(`Unexpected '${text[s.i]}' after the closing ']'`, s.i);

  const evalCondition = (c: FieldCondition, values: Map<string, string>): boolean => {
    if (c.op !== 'cond') return c.op === 'and' ? evalCondition(c.left, values) && evalCondition(c.right, values) : evalCondition(c.left, values) || evalCondition(c.right, values);
    const v = values.get(c.field);
    return v !== undefined && valueMatches(v, c.compare, c.value);
  };

  return (message) => {
    const parts = splitDelimited(message);
    // Backtracks over the ellipses until every field's conditions hold.
    const assign = (fi: number, pi: number, values: Map<string, string>): boolean => {
      if (fi === fields.length) return pi === parts.length && fields.every((f) => !f.condition || evalCondition(f.condition, values));
      const field = fields[fi]!;
      if (field.name === null) {
        for (let skip = parts.length - pi; skip >= 0; skip--) if (assign(fi + 1, pi + skip, values)) return true;
        return false;
      }
      if (pi >= parts.length) return false;
      return assign(fi + 1, pi + 1, new Map(values).set(field.name, parts[pi]!));
    };
    return assign(0, 0, new Map());
  };
}
