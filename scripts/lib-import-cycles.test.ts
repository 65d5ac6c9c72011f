/**
 * lib/ has no import cycles: a module that imports (directly or through others) the module that
 * imports it is two modules pretending to be one. Every import counts, `import type` and dynamic
 * `import()` included, so a cycle cannot be hidden from this check by either.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const lib = join(root, 'lib');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(name) && !/\.(test|d)\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

/** The lib/ files `file` imports (relative or `@/lib/…`), by every form of import. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) specifiers.push(node.arguments[0].text);
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) specifiers.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS));
  const out: string[] = [];
  for (const s of specifiers) {
    const base = s.startsWith('@/') ? join(root, s.slice(2)) : s.startsWith('.') ? resolve(dirname(file), s) : null;
    if (!base || !base.startsWith(lib)) continue;
    const hit = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
    if (hit && !/\.test\.tsx?$/.test(hit)) out.push(hit);
  }
  return out;
}

/** Every cycle's smallest strongly connected component (Tarjan), as paths relative to the repo. */
export function cyclesIn(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.map((f) => relative(root, f)).sort());
    }
  };
  for (const f of files) if (!indices.has(f)) connect(f);
  return found;
}

it('lib/ has no import cycle (static, type-only or dynamic)', () => {
  const cycles = cyclesIn(sources(lib));
  assert.deepEqual(cycles, [], `modules importing each other:\n${cycles.map((c) => `  ${c.join(' ↔ ')}`).join('\n')}`);
});
