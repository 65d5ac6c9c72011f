import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitSqlStatements } from './split-sql';

describe('splitSqlStatements', () => {
  it('splits on semicolons and drops empty and comment-only pieces', () => {
    assert.deepEqual(splitSqlStatements('select 1;\n\n-- note; still a comment\nselect 2 ;;\n/* trailing; */'), ['select 1', '-- note; still a comment\nselect 2']);
  });

  it('keeps semicolons inside strings, identifiers, E-strings and dollar quotes', () => {
    const sql = [
      `insert into t values ('a;b', 'it''s; ok')`,
      `create table "odd;name" ("x""y;" int)`,
      `select E'back\\'slash;'`,
      `create function f() returns trigger language plpgsql as $body$ begin raise exception 'x;y'; end; $body$`,
      `do $$ begin perform 1; end $$`,
    ];
    assert.deepEqual(splitSqlStatements(sql.join(';\n') + ';'), sql);
  });

  it('does not treat $1 or identifiers with $ as dollar quotes, and nests block comments', () => {
    assert.deepEqual(splitSqlStatements('select a$b$ from t where x = $1; /* a /* b; */ c; */ select 2'), [
      'select a$b$ from t where x = $1',
      '/* a /* b; */ c; */ select 2',
    ]);
  });

  it('rejects unterminated quotes rather than guessing', () => {
    assert.throws(() => splitSqlStatements("select 'oops; select 2"), /unterminated string/);
    assert.throws(() => splitSqlStatements('do $x$ begin'), /unterminated dollar-quoted/);
  });
});
