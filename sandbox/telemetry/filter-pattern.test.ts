import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilterPattern, FilterPatternError, splitDelimited } from './filter-pattern';

const matches = (pattern: string, message: string) => compileFilterPattern(pattern)(message);

function assertError(pattern: string, position: number, message: RegExp): void {
  assert.throws(
    () => compileFilterPattern(pattern),
    (e: unknown) => {
      assert.ok(e instanceof FilterPatternError, `expected a FilterPatternError, got ${String(e)}`);
      assert.equal(e.position, position, `position of the error in ${JSON.stringify(pattern)}: ${e.message}`);
      assert.match(e.message, message);
      return true;
    },
  );
}

describe('filter patterns: terms', () => {
  it('matches everything when empty', () => {
    assert.ok(matches('', 'anything'));
    assert.ok(matches('   ', 'anything'));
  });

  it('needs every term, case-sensitive, as a substring (ERROR matches ERRORCODE, as AWS documents)', () => {
    assert.ok(matches('ERROR', '[ERROR] A fatal exception has occurred'));
    assert.ok(matches('ERROR', 'Exiting with ERRORCODE: -1'));
    assert.ok(!matches('ERROR', 'error: lower case'));
    assert.ok(matches('ERROR Exception', '[ERROR] Caught IllegalArgumentException'));
    assert.ok(!matches('ERROR Exception', '[ERROR] Caught it'));
  });

  it('matches quoted phrases exactly, with escapes', () => {
    assert.ok(matches('"Server listening on :3000"', 'Server listening on :3000 (pid 1)'));
    assert.ok(!matches('"listening on"', 'listening   on'));
    assert.ok(matches('"say \\"hi\\""', 'they say "hi"'));
  });

  it('excludes -terms and ORs ?terms', () => {
    assert.ok(matches('ERROR -Exiting', '[ERROR] boom'));
    assert.ok(!matches('ERROR -Exiting', 'Exiting with ERRORCODE: -1'));
    assert.ok(!matches('ERROR -"with ERRORCODE"', 'Exiting with ERRORCODE: -1'));
    assert.ok(matches('?ERROR ?WARN', 'WARN message'));
    assert.ok(matches('?ERROR ?WARN', 'ERROR message'));
    assert.ok(!matches('?ERROR ?WARN', 'INFO message'));
    assert.ok(matches('?ERROR ?"heap usage"', 'WARN heap usage 91%'));
  });

  it('treats %…% as a regular expression', () => {
    assert.ok(matches('%status=5\\d\\d%', 'GET / status=503'));
    assert.ok(!matches('%status=5\\d\\d%', 'GET / status=200'));
  });

  it('rejects unquoted terms with other characters, unterminated quotes and dangling prefixes, naming the position', () => {
    assertError('ERROR foo:bar', 9, /Invalid character\(s\) in term 'foo:bar'/);
    assertError('ERROR "unterminated', 6, /Unterminated quoted string/);
    assertError('ERROR -', 6, /Expected a term after "-"/);
    assertError('%[%', 0, /Invalid regular expression/);
  });

  it('refuses ( ) groups and multi-byte characters in a regex, as CloudWatch Logs does: %(a+)+$% never runs', () => {
    assertError('%(a+)+$%', 1, /Invalid character\(s\) in term '%\(a\+\)\+\$%'/);
    assertError('ok %x)%', 5, /Invalid character/);
    assertError('%café%', 4, /Invalid character/);
  });

  it('refuses a regex the linear-time engine cannot run as too complex', () => {
    assertError('%[a-z]{1,1000}[a-z]{1,1000}[a-z]{1,1000}x%', 0, /too complex/);
  });

  // A timeout, not a benchmark: with backtracking alone these would run for minutes (or hours).
  it('runs what it accepts in linear time, even patterns that backtrack polynomially', { timeout: 20_000 }, () => {
    const line = 'a'.repeat(20_000);
    assert.ok(!matches('%.*.*.*.*.*.*.*x%', line));
    assert.ok(!matches('%a*a*a*a*a*a*a*a*b%', line));
    assert.ok(matches('%^a+$%', line));
  });
});

describe('filter patterns: JSON', () => {
  const line = JSON.stringify({ level: 'error', msg: 'request', status: 503, latency: 812, path: '/api/deploys', user: { id: 7, tags: ['a', 'b'] }, ok: false, gone: null });

  it('compares strings, numbers and wildcards', () => {
    assert.ok(matches('{ $.level = "error" }', line));
    assert.ok(matches('{ $.level = error }', line));
    assert.ok(!matches('{ $.level = "ERROR" }', line));
    assert.ok(matches('{ $.level != "info" }', line));
    assert.ok(matches('{ $.latency > 500 }', line));
    assert.ok(matches('{ $.status >= 500 }', line));
    assert.ok(!matches('{ $.status < 500 }', line));
    assert.ok(matches('{ $.status = 503 }', line));
    assert.ok(matches('{ $.latency <= 8.12e2 }', line));
    assert.ok(matches('{ $.path = "/api/*" }', line));
    assert.ok(matches('{ $.path = *deploys }', line));
    assert.ok(!matches('{ $.path = "/health*" }', line));
  });

  it('walks nested properties and array indexes; objects, arrays and absent keys never match', () => {
    assert.ok(matches('{ $.user.id = 7 }', line));
    assert.ok(matches('{ $.user.tags[1] = "b" }', line));
    assert.ok(!matches('{ $.user = 7 }', line));
    assert.ok(!matches('{ $.user != 7 }', line));
    assert.ok(!matches('{ $.missing != "x" }', line));
  });

  it('knows IS NULL, NOT EXISTS, IS TRUE/FALSE', () => {
    assert.ok(matches('{ $.gone IS NULL }', line));
    assert.ok(matches('{ $.nothing NOT EXISTS }', line));
    assert.ok(!matches('{ $.level NOT EXISTS }', line));
    assert.ok(matches('{ $.ok IS FALSE }', line));
    assert.ok(!matches('{ $.ok IS TRUE }', line));
  });

  it('combines with && and ||, && binding tighter, and parentheses', () => {
    assert.ok(matches('{ $.level = "error" && $.latency > 500 }', line));
    assert.ok(!matches('{ $.level = "info" && $.latency > 500 }', line));
    assert.ok(matches('{ $.level = "info" || $.latency > 500 }', line));
    assert.ok(matches('{ $.level = "info" && $.status = 1 || $.status = 503 }', line));
    assert.ok(!matches('{ $.level = "info" && ($.status = 1 || $.status = 503) }', line));
  });

  it('does not match plain or malformed lines', () => {
    assert.ok(!matches('{ $.level = "error" }', 'ERROR Unhandled exception'));
    assert.ok(!matches('{ $.level = "error" }', '{"level": "error"'));
  });

  it('reports syntax errors with positions', () => {
    assertError('{ level = "error" }', 2, /selector starting with \$/);
    assertError('{ $.level "error" }', 10, /comparison operator/);
    assertError('{ $.level = }', 12, /Expected a value/);
    assertError('{ $.level = "error"', 19, /Expected '\}'.*pattern ended/);
    assertError('{ $.latency > fast }', 14, /Operator > needs a number/);
    assertError('{ ($.a = 1 }', 11, /Expected '\)'/);
    assertError('{ $.a = 1 } extra', 12, /after the closing/);
    assertError('{ $. = 1 }', 4, /property name/);
    assertError('{ $.a IS MAYBE }', 9, /NULL, TRUE or FALSE/);
  });
});

describe('filter patterns: space-delimited', () => {
  const access = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534';

  it('splits on spaces, keeping [..] and ".." together', () => {
    assert.deepEqual(splitDelimited(access), ['127.0.0.1', '-', 'frank', '10/Oct/2000:13:25:15 -0700', 'GET /index.html HTTP/1.0', '404', '1534']);
  });

  it('matches named fields, ellipses and conditions', () => {
    assert.ok(matches('[ip, user, username, timestamp, request, status_code, bytes]', access));
    assert.ok(!matches('[ip, user, username]', access));
    assert.ok(matches('[ip, user, ...]', access));
    assert.ok(matches('[..., status_code = 4*, bytes > 1000]', access));
    assert.ok(!matches('[..., status_code = 5*, bytes]', access));
    assert.ok(matches('[ip, user, username = frank, ..., request = *html*, status_code = 4* && bytes > 1000, bytes]', access));
    assert.ok(matches('[ip, ..., status_code = 500 || status_code = 404, bytes]', access));
    assert.ok(matches('[..., request = *html*, ...]', access), 'ellipses backtrack until the conditions hold');
  });

  it('reports syntax errors with positions', () => {
    assertError('[ip, user', 9, /',' or '\]'/);
    assertError('[ip, 3x]', 5, /field name/);
    assertError('[ip, bytes > big]', 13, /needs a number/);
  });
});
