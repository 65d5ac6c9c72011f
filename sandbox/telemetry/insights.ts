/**
 * A real subset of CloudWatch Logs Insights: `fields`, `display`, `filter`, `parse` (glob and
 * regex), `stats` (count, count_distinct, sum, avg, min, max, pct, earliest, latest; by fields and
 * bin()), `sort`, `limit`, `dedup`. Commands are separated by `|` and run in order over the events;
 * JSON messages have their fields discovered (`level`, `status`, `user.id`). Pure: parse once, then
 * run over events. Syntax errors carry the character offsets of the offending symbol, as
 * MalformedQueryException's queryCompileError does.
 */

export class InsightsSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly startCharOffset: number,
    readonly endCharOffset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(detail);
    this.name = 'InsightsSyntaxError';
  }
}

export interface InsightsEvent {
  timestamp: number;
  ingestionTime: number;
  message: string;
  logStream: string;
  /** `@log`: `<account>:<log group name>`, as Logs Insights shows it. */
  log: string;
  ptr: string;
}

export interface ResultField {
  field: string;
  value: string;
}

export interface QueryOutput {
  results: ResultField[][];
  statistics: { recordsMatched: number; recordsScanned: number; bytesScanned: number };
}

export interface CompiledQuery {
  /** The query's commands, in order. */
  readonly commands: string[];
  run(events: Iterable<InsightsEvent>, options?: { limit?: number }): QueryOutput;
}

export const DEFAULT_RESULT_LIMIT = 1000;
export const MAX_RESULT_LIMIT = 10_000;

type Value = string | number | boolean | Date | null;
type Row = Record<string, Value>;

type Expr = (
  | { k: 'field'; name: string }
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'regex'; re: RegExp }
  | { k: 'dur'; ms: number }
  | { k: 'star' }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'unary'; op: '-' | 'not'; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'like'; e: Expr; pattern: Expr; negate: boolean }
  | { k: 'in'; e: Expr; list: Expr[]; negate: boolean }
) & { text: string; start: number; end: number };

interface Named {
  expr: Expr;
  name: string;
}

type Command =
  | { k: 'fields'; items: Named[] }
  | { k: 'display'; names: string[] }
  | { k: 'filter'; expr: Expr }
  | { k: 'parse'; source: Expr; regex: RegExp; names: string[] }
  | { k: 'stats'; aggregates: Named[]; by: Named[] }
  | { k: 'sort'; keys: { expr: Expr; desc: boolean }[] }
  | { k: 'limit'; n: number }
  | { k: 'dedup'; names: string[] };

const AGGREGATES = new Set(['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'pct', 'percentile', 'earliest', 'latest', 'stddev']);
const FUNCTIONS = new Set(['bin', 'ispresent', 'isempty', 'isblank', 'strlen', 'tolower', 'toupper', 'trim', 'concat', 'abs', 'ceil', 'floor', 'coalesce', 'strcontains', 'substr', 'replace', 'datefloor', 'fromMillis', 'toMillis']);
const COMMANDS = ['fields', 'display', 'filter', 'parse', 'stats', 'sort', 'limit', 'dedup'];
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000, d: 86_400_000, w: 604_800_000 };

interface Token {
  type: 'ident' | 'number' | 'duration' | 'string' | 'regex' | 'op' | 'eof';
  text: string;
  start: number;
  end: number;
  value?: number | string;
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  private skipSpace(): void {
    for (;;) {
      while (this.i < this.src.length && /\s/.test(this.src[this.i]!)) this.i++;
      // `#` starts a comment to the end of the line, as in the console.
      if (this.src[this.i] === '#') {
        while (this.i < this.src.length && this.src[this.i] !== '\n') this.i++;
      } else return;
    }
  }

  error(token: Token, expected?: string): InsightsSyntaxError {
    const before = this.src.slice(0, token.start);
    const line = before.split('\n').length;
    const column = token.start - (before.lastIndexOf('\n') + 1);
    const what = token.type === 'eof' ? 'end of query' : `symbol found ${token.text}`;
    const detail = `unexpected ${what} at line ${line} and position ${column}${expected ? `: expected ${expected}` : ''}`;
    return new InsightsSyntaxError(detail, token.start, Math.max(token.start, token.end - 1), line, column);
  }

  private lex(regexAllowed: boolean): Token {
    this.skipSpace();
    const start = this.i;
    const s = this.src;
    if (start >= s.length) return { type: 'eof', text: '', start, end: start };
    const c = s[start]!;
    const rest = s.slice(start);
    if (c === '"' || c === "'") {
      let j = start + 1;
      let value = '';
      while (j < s.length && s[j] !== c) {
        if (s[j] === '\\' && j + 1 < s.length) j++;
        value += s[j];
        j++;
      }
      if (j >= s.length) throw this.error({ type: 'string', text: c, start, end: start + 1 }, `a closing ${c}`);
      this.i = j + 1;
      return { type: 'string', text: s.slice(start, this.i), start, end: this.i, value };
    }
    if (c === '`') {
      const close = s.indexOf('`', start + 1);
      if (close < 0) throw this.error({ type: 'op', text: '`', start, end: start + 1 }, 'a closing `');
      this.i = close + 1;
      return { type: 'ident', text: s.slice(start, this.i), start, end: this.i, value: s.slice(start + 1, close) };
    }
    if (c === '/' && regexAllowed) {
      let j = start + 1;
      while (j < s.length && s[j] !== '/') j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw this.error({ type: 'op', text: '/', start, end: start + 1 }, 'a closing / for the regular expression');
      this.i = j + 1;
      return { type: 'regex', text: s.slice(start, this.i), start, end: this.i, value: s.slice(start + 1, j) };
    }
    const number = /^(\d+(?:\.\d+)?)([A-Za-z]+)?/.exec(rest);
    if (number) {
      this.i = start + number[0].length;
      if (number[2]) {
        const unit = DURATION_MS[number[2]];
        const token: Token = { type: 'duration', text: number[0], start, end: this.i, value: Number(number[1]) * (unit ?? 0) };
        if (!unit) throw this.error(token, 'a number or a duration such as 5m');
        return token;
      }
      return { type: 'number', text: number[0], start, end: this.i, value: Number(number[1]) };
    }
    const ident = /^[A-Za-z_@][A-Za-z0-9_.@$-]*/.exec(rest);
    if (ident) {
      // A trailing '-' belongs to the minus operator, not the name.
      const text = ident[0].replace(/-+$/, '');
      this.i = start + text.length;
      return { type: 'ident', text, start, end: this.i, value: text };
    }
    const op = /^(=~|!=|<=|>=|==|[|,()[\]*+\-/%=<>^!])/.exec(rest);
    if (op) {
      this.i = start + op[0].length;
      return { type: 'op', text: op[0], start, end: this.i };
    }
    this.i = start + 1;
    throw this.error({ type: 'op', text: c, start, end: start + 1 });
  }

  private peek(regexAllowed = false): Token {
    const saved = this.i;
    try {
      return this.lex(regexAllowed);
    } finally {
      this.i = saved;
    }
  }

  private next(regexAllowed = false): Token {
    return this.lex(regexAllowed);
  }

  private isOp(t: Token, op: string): boolean {
    return t.type === 'op' && t.text === op;
  }

  private isWord(t: Token, word: string): boolean {
    return t.type === 'ident' && t.text.toLowerCase() === word;
  }

  private expectOp(op: string): Token {
    const t = this.next();
    if (!this.isOp(t, op)) throw this.error(t, `'${op}'`);
    return t;
  }

  private fieldName(): string {
    const t = this.next();
    if (t.type !== 'ident') throw this.error(t, 'a field name');
    return String(t.value);
  }

  parse(): Command[] {
    const commands: Command[] = [];
    for (;;) {
      const t = this.next();
      if (t.type === 'eof' && commands.length > 0) throw this.error(t, 'a command after |');
      const name = t.type === 'ident' ? t.text.toLowerCase() : '';
      if (!COMMANDS.includes(name)) throw this.error(t, `a command (${COMMANDS.join(', ')})`);
      commands.push(this.command(name));
      const after = this.next();
      if (after.type === 'eof') return commands;
      if (!this.isOp(after, '|')) throw this.error(after, "'|' or the end of the query");
    }
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.isOp(this.peek(), ',')) {
      this.next();
      items.push(item());
    }
    return items;
  }

  private named(): Named {
    const expr = this.expr();
    if (this.isWord(this.peek(), 'as')) {
      this.next();
      return { expr, name: this.fieldName() };
    }
    return { expr, name: expr.k === 'field' ? expr.name : expr.text };
  }

  private command(name: string): Command {
    switch (name) {
      case 'fields':
        return { k: 'fields', items: this.list(() => this.named()) };
      case 'display':
        return { k: 'display', names: this.list(() => this.fieldName()) };
      case 'dedup':
        return { k: 'dedup', names: this.list(() => this.fieldName()) };
      case 'filter':
        return { k: 'filter', expr: this.expr() };
      case 'limit': {
        const t = this.next();
        if (t.type !== 'number' || !Number.isInteger(t.value) || (t.value as number) < 1 || (t.value as number) > MAX_RESULT_LIMIT) throw this.error(t, `a whole number from 1 to ${MAX_RESULT_LIMIT}`);
        return { k: 'limit', n: t.value as number };
      }
      case 'sort':
        return {
          k: 'sort',
          keys: this.list(() => {
            const expr = this.expr();
            const dir = this.peek();
            if (this.isWord(dir, 'asc') || this.isWord(dir, 'desc')) {
              this.next();
              return { expr, desc: dir.text.toLowerCase() === 'desc' };
            }
            // Descending when not said, as Logs Insights does.
            return { expr, desc: true };
          }),
        };
      case 'parse':
        return this.parseCommand();
      case 'stats':
        return this.statsCommand();
    }
    throw new Error(`unreachable command ${name}`);
  }

  private parseCommand(): Command {
    const source = this.primary();
    const t = this.next(true);
    if (t.type === 'regex') {
      const regex = this.regex(t);
      const names = Object.keys(new RegExp(`${regex.source}|`).exec('')?.groups ?? {});
      if (names.length === 0) throw this.error(t, 'named capture groups such as (?<status>\\d+)');
      return { k: 'parse', source, regex, names };
    }
    if (t.type !== 'string') throw this.error(t, 'a glob pattern in quotes or a /regular expression/');
    const pieces = String(t.value).split('*');
    const as = this.next();
    if (!this.isWord(as, 'as')) throw this.error(as, "'as' and the names of the fields to extract");
    const names = this.list(() => this.fieldName());
    if (pieces.length - 1 !== names.length) throw this.error(t, `as many * in the pattern as field names (${pieces.length - 1} * for ${names.length} names)`);
    const escaped = pieces.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    // Each * captures as little as it can, except a trailing one, which takes the rest of the line.
    const pattern = escaped.map((p, i) => (i === 0 ? p : `(${i === escaped.length - 1 && p === '' ? '.*' : '.*?'})${p}`)).join('');
    return { k: 'parse', source, regex: new RegExp(pattern, 's'), names };
  }

  private regex(t: Token): RegExp {
    let source = String(t.value);
    let flags = '';
    // Logs Insights writes case-insensitivity as (?i) at the start, as Java does.
    if (source.startsWith('(?i)')) {
      source = source.slice(4);
      flags = 'i';
    }
    try {
      return new RegExp(source, flags);
    } catch {
      throw this.error(t, 'a valid regular expression');
    }
  }

  private statsCommand(): Command {
    const aggregates = this.list(() => {
      const item = this.named();
      if (!containsAggregate(item.expr)) throw this.error(tokenOf(item.expr), `an aggregate function (${[...AGGREGATES].join(', ')})`);
      return item;
    });
    let by: Named[] = [];
    if (this.isWord(this.peek(), 'by')) {
      this.next();
      by = this.list(() => this.named());
    }
    return { k: 'stats', aggregates, by };
  }

  expr(): Expr {
    return this.or();
  }

  private node<E extends Omit<Expr, 'text' | 'start' | 'end'>>(e: E, start: number, end: number): Expr {
    return { ...e, text: this.src.slice(start, end).trim(), start, end } as unknown as Expr;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord(this.peek(), 'or') || this.isOp(this.peek(), '||')) {
      this.next();
      const right = this.and();
      left = this.node({ k: 'bin', op: 'or', l: left, r: right }, left.start, right.end);
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isWord(this.peek(), 'and') || this.isOp(this.peek(), '&&')) {
      this.next();
      const right = this.not();
      left = this.node({ k: 'bin', op: 'and', l: left, r: right }, left.start, right.end);
    }
    return left;
  }

  private not(): Expr {
    const t = this.peek();
    if (this.isWord(t, 'not') || this.isOp(t, '!')) {
      this.next();
      const e = this.not();
      return this.node({ k: 'unary', op: 'not', e }, t.start, e.end);
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    let t = this.peek();
    let negate = false;
    if (this.isWord(t, 'not')) {
      const saved = this.i;
      this.next();
      const after = this.peek();
      if (this.isWord(after, 'like') || this.isWord(after, 'in')) {
        negate = true;
        t = after;
      } else {
        this.i = saved;
        return left;
      }
    }
    if (this.isWord(t, 'like') || this.isOp(t, '=~')) {
      this.next();
      const p = this.next(true);
      if (p.type !== 'regex' && p.type !== 'string') throw this.error(p, 'a /regular expression/ or a "string"');
      const pattern = p.type === 'regex' ? this.node({ k: 'regex', re: this.regex(p) }, p.start, p.end) : this.node({ k: 'str', v: String(p.value) }, p.start, p.end);
      return this.node({ k: 'like', e: left, pattern, negate }, left.start, p.end);
    }
    if (this.isWord(t, 'in')) {
      this.next();
      this.expectOp('[');
      const list = this.isOp(this.peek(), ']') ? [] : this.list(() => this.additive());
      const close = this.expectOp(']');
      return this.node({ k: 'in', e: left, list, negate }, left.start, close.end);
    }
    if (t.type === 'op' && ['=', '==', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      const right = this.additive();
      return this.node({ k: 'bin', op: t.text === '==' ? '=' : t.text, l: left, r: right }, left.start, right.end);
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '+') && !this.isOp(t, '-')) return left;
      this.next();
      const right = this.multiplicative();
      left = this.node({ k: 'bin', op: t.text, l: left, r: right }, left.start, right.end);
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '*') && !this.isOp(t, '/') && !this.isOp(t, '%')) return left;
      this.next();
      const right = this.unary();
      left = this.node({ k: 'bin', op: t.text, l: left, r: right }, left.start, right.end);
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (this.isOp(t, '-')) {
      this.next();
      const e = this.unary();
      return this.node({ k: 'unary', op: '-', e }, t.start, e.end);
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next(true);
    switch (t.type) {
      case 'number':
        return this.node({ k: 'num', v: t.value as number }, t.start, t.end);
      case 'duration':
        return this.node({ k: 'dur', ms: t.value as number }, t.start, t.end);
      case 'string':
        return this.node({ k: 'str', v: String(t.value) }, t.start, t.end);
      case 'regex':
        return this.node({ k: 'regex', re: this.regex(t) }, t.start, t.end);
      case 'op':
        if (t.text === '(') {
          const inner = this.expr();
          this.expectOp(')');
          return inner;
        }
        throw this.error(t, 'a field, a value or a function');
      case 'ident': {
        if (!this.isOp(this.peek(), '(')) {
          if (['and', 'or', 'not', 'in', 'like', 'as', 'by', 'asc', 'desc'].includes(t.text.toLowerCase())) throw this.error(t, 'a field, a value or a function');
          return this.node({ k: 'field', name: String(t.value) }, t.start, t.end);
        }
        const name = t.text;
        const lower = name.toLowerCase();
        if (!AGGREGATES.has(lower) && !FUNCTIONS.has(name) && !FUNCTIONS.has(lower)) throw this.error(t, 'a known function');
        this.next();
        const args: Expr[] = [];
        if (this.isOp(this.peek(), '*')) {
          const star = this.next();
          args.push(this.node({ k: 'star' }, star.start, star.end));
        } else if (!this.isOp(this.peek(), ')')) {
          args.push(...this.list(() => this.expr()));
        }
        const close = this.expectOp(')');
        const call = this.node({ k: 'call', name: lower === 'frommillis' ? 'fromMillis' : lower === 'tomillis' ? 'toMillis' : lower, args }, t.start, close.end);
        if (call.k === 'call' && call.name === 'bin' && (args.length !== 1 || args[0]!.k !== 'dur')) throw this.error(t, 'bin(<duration>), e.g. bin(5m)');
        if (call.k === 'call' && (call.name === 'pct' || call.name === 'percentile') && (args.length !== 2 || args[1]!.k !== 'num')) throw this.error(t, 'pct(<field>, <percentile>), e.g. pct(latency, 95)');
        return call;
      }
      case 'eof':
        throw this.error(t, 'a field, a value or a function');
    }
  }
}

function tokenOf(e: Expr): Token {
  return { type: 'ident', text: e.text, start: e.start, end: e.end };
}

function containsAggregate(e: Expr): boolean {
  switch (e.k) {
    case 'call':
      return AGGREGATES.has(e.name) || e.args.some(containsAggregate);
    case 'unary':
      return containsAggregate(e.e);
    case 'bin':
      return containsAggregate(e.l) || containsAggregate(e.r);
    default:
      return false;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Logs Insights prints times as `2026-11-27 00:05:00.000` (UTC). */
export function formatInsightsTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

function toNumber(v: Value): number | null {
  if (v === null || typeof v === 'boolean') return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  const trimmed = v.trim();
  if (trimmed === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  return Number(trimmed);
}

const toText = (v: Value): string => (v instanceof Date ? formatInsightsTime(v.getTime()) : String(v));

function truthy(v: Value): boolean {
  if (v === null || v === false || v === '' || v === 0) return false;
  return true;
}

function compareValues(a: Value, b: Value): number {
  const na = toNumber(a);
  const nb = toNumber(b);
  if (na !== null && nb !== null) return na - nb;
  // Natural order: non-numbers before numbers, as the sort command documents.
  if (na !== null) return 1;
  if (nb !== null) return -1;
  const sa = toText(a);
  const sb = toText(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function flatten(value: unknown, prefix: string, into: Row): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}.${i}`, into));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  else if (prefix && !(prefix in into)) into[prefix] = value as string | number | boolean;
}

function rowOf(event: InsightsEvent): Row {
  const row: Row = {
    '@timestamp': new Date(event.timestamp),
    '@message': event.message,
    '@logStream': event.logStream,
    '@log': event.log,
    '@ingestionTime': new Date(event.ingestionTime),
    '@ptr': event.ptr,
  };
  if (event.message.trimStart().startsWith('{')) {
    try {
      flatten(JSON.parse(event.message), '', row);
    } catch {
      // Not JSON after all: no fields to discover.
    }
  }
  return row;
}

function evaluate(e: Expr, row: Row): Value {
  switch (e.k) {
    case 'field':
      return row[e.name] ?? null;
    case 'num':
      return e.v;
    case 'str':
      return e.v;
    case 'dur':
      return e.ms;
    case 'regex':
      return e.re.source;
    case 'star':
      return null;
    case 'unary': {
      if (e.op === 'not') return !truthy(evaluate(e.e, row));
      const n = toNumber(evaluate(e.e, row));
      return n === null ? null : -n;
    }
    case 'like': {
      const v = evaluate(e.e, row);
      if (v === null) return false;
      const text = toText(v);
      const matched = e.pattern.k === 'regex' ? e.pattern.re.test(text) : text.includes(e.pattern.k === 'str' ? e.pattern.v : '');
      return e.negate ? !matched : matched;
    }
    case 'in': {
      const v = evaluate(e.e, row);
      if (v === null) return false;
      const found = e.list.some((item) => compareValues(v, evaluate(item, row)) === 0);
      return e.negate ? !found : found;
    }
    case 'bin':
      return binary(e.op, e.l, e.r, row);
    case 'call':
      // After stats, an aggregate's column is read back by its text: `sort count(*) desc`.
      if (e.text in row) return row[e.text] ?? null;
      return callFunction(e.name, e.args, row);
  }
}

function binary(op: string, l: Expr, r: Expr, row: Row): Value {
  if (op === 'and') return truthy(evaluate(l, row)) && truthy(evaluate(r, row));
  if (op === 'or') return truthy(evaluate(l, row)) || truthy(evaluate(r, row));
  const a = evaluate(l, row);
  const b = evaluate(r, row);
  if (['=', '!=', '<', '<=', '>', '>='].includes(op)) {
    // Events without the field match no comparison, not even !=.
    if (a === null || b === null) return false;
    const na = toNumber(a);
    const nb = toNumber(b);
    const c = na !== null && nb !== null ? na - nb : toText(a) === toText(b) ? 0 : toText(a) < toText(b) ? -1 : 1;
    return op === '=' ? c === 0 : op === '!=' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
  }
  const na = toNumber(a);
  const nb = toNumber(b);
  if (na === null || nb === null) return null;
  switch (op) {
    case '+':
      return na + nb;
    case '-':
      return na - nb;
    case '*':
      return na * nb;
    case '/':
      return nb === 0 ? null : na / nb;
    case '%':
      return nb === 0 ? null : na % nb;
    case '^':
      return na ** nb;
  }
  return null;
}

function callFunction(name: string, args: Expr[], row: Row): Value {
  const arg = (i: number) => (args[i] ? evaluate(args[i]!, row) : null);
  const text = (i: number) => {
    const v = arg(i);
    return v === null ? null : toText(v);
  };
  const num = (i: number) => toNumber(arg(i));
  switch (name) {
    case 'bin': {
      const size = (args[0] as { ms: number }).ms;
      const ts = toNumber(row['@timestamp'] ?? null);
      return ts === null ? null : new Date(Math.floor(ts / size) * size);
    }
    case 'datefloor': {
      const ts = num(0);
      const size = num(1);
      return ts === null || !size ? null : new Date(Math.floor(ts / size) * size);
    }
    case 'ispresent':
      return arg(0) !== null;
    case 'isempty':
      return arg(0) === null || text(0) === '';
    case 'isblank':
      return arg(0) === null || (text(0) ?? '').trim() === '';
    case 'strlen':
      return text(0)?.length ?? null;
    case 'tolower':
      return text(0)?.toLowerCase() ?? null;
    case 'toupper':
      return text(0)?.toUpperCase() ?? null;
    case 'trim':
      return text(0)?.trim() ?? null;
    case 'concat':
      return args.map((_, i) => text(i) ?? '').join('');
    case 'coalesce':
      for (let i = 0; i < args.length; i++) if (arg(i) !== null) return arg(i);
      return null;
    case 'strcontains':
      return text(0) !== null && text(0)!.includes(text(1) ?? '');
    case 'substr': {
      const s = text(0);
      const from = num(1) ?? 0;
      const length = num(2);
      return s === null ? null : length === null ? s.slice(from) : s.slice(from, from + length);
    }
    case 'replace': {
      const s = text(0);
      return s === null ? null : s.split(text(1) ?? '').join(text(2) ?? '');
    }
    case 'abs':
      return num(0) === null ? null : Math.abs(num(0)!);
    case 'ceil':
      return num(0) === null ? null : Math.ceil(num(0)!);
    case 'floor':
      return num(0) === null ? null : Math.floor(num(0)!);
    case 'fromMillis':
      return num(0) === null ? null : new Date(num(0)!);
    case 'toMillis':
      return num(0);
  }
  // An aggregate outside stats (e.g. in filter) has no value per event.
  return null;
}

function aggregate(e: Expr, rows: Row[]): Value {
  switch (e.k) {
    case 'call': {
      if (!AGGREGATES.has(e.name)) return callFunction(e.name, e.args.map((a) => literal(aggregate(a, rows), a)), {});
      const field = e.args[0];
      const values = field && field.k !== 'star' ? rows.map((r) => evaluate(field, r)).filter((v): v is Exclude<Value, null> => v !== null) : [];
      // Booleans count as 1 and 0, so `sum(status >= 500)` counts errors.
      const numbers = values.map((v) => (typeof v === 'boolean' ? Number(v) : toNumber(v))).filter((n): n is number => n !== null);
      switch (e.name) {
        case 'count':
          return !field || field.k === 'star' ? rows.length : values.length;
        case 'count_distinct':
          return new Set(values.map(toText)).size;
        case 'sum':
          return numbers.reduce((a, b) => a + b, 0);
        case 'avg':
          return numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null;
        case 'min':
          return numbers.length ? Math.min(...numbers) : null;
        case 'max':
          return numbers.length ? Math.max(...numbers) : null;
        case 'stddev': {
          if (numbers.length === 0) return null;
          const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
          return Math.sqrt(numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / numbers.length);
        }
        case 'pct':
        case 'percentile': {
          if (numbers.length === 0) return null;
          const p = (e.args[1] as { v: number }).v;
          const sorted = [...numbers].sort((a, b) => a - b);
          return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
        }
        case 'earliest':
        case 'latest': {
          let best: Row | null = null;
          for (const r of rows) {
            if (!field || evaluate(field, r) === null) continue;
            const t = toNumber(r['@timestamp'] ?? null) ?? 0;
            const bt = best ? (toNumber(best['@timestamp'] ?? null) ?? 0) : null;
            if (bt === null || (e.name === 'earliest' ? t < bt : t > bt)) best = r;
          }
          return best && field ? evaluate(field, best) : null;
        }
      }
      return null;
    }
    case 'unary':
      return evaluate({ ...e, e: literal(aggregate(e.e, rows), e.e) }, {});
    case 'bin':
      return binary(e.op, literal(aggregate(e.l, rows), e.l), literal(aggregate(e.r, rows), e.r), {});
    default:
      return rows[0] ? evaluate(e, rows[0]) : null;
  }
}

function literal(v: Value, at: Expr): Expr {
  if (typeof v === 'number') return { k: 'num', v, text: at.text, start: at.start, end: at.end };
  return { k: 'str', v: v === null ? '' : toText(v), text: at.text, start: at.start, end: at.end };
}

export function parseInsightsQuery(query: string): CompiledQuery {
  const commands = new Parser(query).parse();
  return {
    commands: commands.map((c) => c.k),
    run: (events, options = {}) => run(commands, events, options.limit),
  };
}

function run(commands: Command[], events: Iterable<InsightsEvent>, requestLimit: number | undefined): QueryOutput {
  let recordsScanned = 0;
  let bytesScanned = 0;
  let rows: Row[] = [];
  for (const event of events) {
    recordsScanned++;
    bytesScanned += Buffer.byteLength(event.message) + 50;
    rows.push(rowOf(event));
  }
  // Newest first unless the query sorts: what the console shows for a plain search.
  rows.sort((a, b) => compareValues(b['@timestamp'] ?? null, a['@timestamp'] ?? null));

  let display: string[] | null = null;
  let aggregated = false;
  let recordsMatched: number | null = null;
  let limit = requestLimit ?? DEFAULT_RESULT_LIMIT;

  for (const command of commands) {
    switch (command.k) {
      case 'fields':
        for (const row of rows) for (const item of command.items) row[item.name] = evaluate(item.expr, row);
        display = [...(display ?? []), ...command.items.map((i) => i.name).filter((n) => !(display ?? []).includes(n))];
        break;
      case 'display':
        display = command.names;
        break;
      case 'filter':
        rows = rows.filter((row) => truthy(evaluate(command.expr, row)));
        break;
      case 'parse':
        for (const row of rows) {
          const v = evaluate(command.source, row);
          const match = v === null ? null : command.regex.exec(toText(v));
          if (!match) continue;
          const values = match.groups ? command.names.map((n) => match.groups![n]) : match.slice(1);
          command.names.forEach((name, i) => {
            if (values[i] !== undefined) row[name] = values[i]!;
          });
        }
        break;
      case 'stats': {
        recordsMatched ??= rows.length;
        const groups = new Map<string, { key: Row; rows: Row[] }>();
        for (const row of rows) {
          const key: Row = {};
          for (const by of command.by) key[by.name] = evaluate(by.expr, row);
          const id = JSON.stringify(command.by.map((b) => toText(key[b.name] ?? null)));
          const group = groups.get(id);
          if (group) group.rows.push(row);
          else groups.set(id, { key, rows: [row] });
        }
        rows = [...groups.values()].map(({ key, rows: members }) => {
          const out: Row = { ...key };
          for (const agg of command.aggregates) out[agg.name] = aggregate(agg.expr, members);
          return out;
        });
        display = [...command.by.map((b) => b.name), ...command.aggregates.map((a) => a.name)];
        aggregated = true;
        break;
      }
      case 'sort':
        rows.sort((a, b) => {
          for (const key of command.keys) {
            const va = evaluate(key.expr, a);
            const vb = evaluate(key.expr, b);
            if (va === null && vb === null) continue;
            // Events without the field go last either way.
            if (va === null) return 1;
            if (vb === null) return -1;
            const c = compareValues(va, vb);
            if (c !== 0) return key.desc ? -c : c;
          }
          return 0;
        });
        break;
      case 'limit':
        recordsMatched ??= rows.length;
        limit = command.n;
        rows = rows.slice(0, command.n);
        break;
      case 'dedup': {
        const seen = new Set<string>();
        rows = rows.filter((row) => {
          const id = JSON.stringify(command.names.map((n) => (row[n] === null || row[n] === undefined ? null : toText(row[n]!))));
          if (seen.has(id)) return false;
          seen.add(id);
          return true;
        });
        break;
      }
    }
  }

  const fields = display ?? ['@timestamp', '@message', '@logStream', '@log'];
  if (!aggregated && !fields.includes('@ptr')) fields.push('@ptr');
  const results = rows.slice(0, limit).map((row) =>
    fields.flatMap((field) => {
      const v = row[field];
      return v === null || v === undefined ? [] : [{ field, value: toText(v) }];
    }),
  );
  return { results, statistics: { recordsMatched: recordsMatched ?? rows.length, recordsScanned, bytesScanned } };
}
