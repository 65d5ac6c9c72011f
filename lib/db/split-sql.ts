/**
 * Splits a migration file into single statements. Needed because PGlite's query API (and any
 * parameterised protocol) runs one statement at a time. Understands what can hide a `;`:
 * quoted strings and identifiers, E'' escapes, dollar-quoted bodies, and comments.
 */
export function splitSqlStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let hasCode = false;
  let i = 0;

  const flush = (end: number) => {
    const statement = text.slice(start, end).trim();
    if (hasCode && statement) statements.push(statement);
    start = end + 1;
    hasCode = false;
  };

  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? text.length : eol + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(text, i);
    } else if (c === "'") {
      const escapes = /[eE]/.test(text[i - 1] ?? '') && !isIdentChar(text[i - 2]);
      i = skipQuoted(text, i, "'", escapes);
      hasCode = true;
    } else if (c === '"') {
      i = skipQuoted(text, i, '"', false);
      hasCode = true;
    } else if (c === '$' && !isIdentChar(text[i - 1])) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i))?.[0];
      if (tag) {
        const end = text.indexOf(tag, i + tag.length);
        if (end === -1) throw new Error(`unterminated dollar-quoted string ${tag} in SQL`);
        i = end + tag.length;
      } else {
        i++;
      }
      hasCode = true;
    } else if (c === ';') {
      flush(i);
      i++;
    } else {
      if (!/\s/.test(c)) hasCode = true;
      i++;
    }
  }
  flush(text.length);
  return statements;
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$]/.test(c);
}

function skipQuoted(text: string, open: number, quote: string, backslashEscapes: boolean): number {
  let i = open + 1;
  while (i < text.length) {
    const c = text[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (text[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i++;
    }
  }
  throw new Error(`unterminated ${quote === "'" ? 'string' : 'quoted identifier'} in SQL`);
}

/** PostgreSQL block comments nest. */
function skipBlockComment(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw new Error('unterminated /* comment */ in SQL');
}
