/**
 * For tests only: reads the Terraform module with HashiCorp's own HCL parser (compiled to
 * WebAssembly in @cdktf/hcl2json, so it works offline and without the terraform binary) and
 * merges the files into one JSON document, the way Terraform treats a directory as one module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

/** hcl2json's shape: `{ resource: { type: { name: [body] } }, variable: { name: [body] }, … }`. */
export type Block = Record<string, unknown>;

export interface TerraformModule {
  dir: string;
  /** File name → source text. */
  sources: Record<string, string>;
  resources: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
  variables: Record<string, Block>;
  outputs: Record<string, Block>;
  locals: Record<string, unknown>;
  terraform: Block[];
}

export const MODULE_DIR = join(import.meta.dirname, '..');

export async function loadModule(dir: string = MODULE_DIR): Promise<TerraformModule> {
  const module: TerraformModule = { dir, sources: {}, resources: {}, data: {}, variables: {}, outputs: {}, locals: {}, terraform: [] };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) {
    const source = readFileSync(join(dir, file), 'utf8');
    module.sources[file] = source;
    let json: Record<string, unknown>;
    try {
      json = await parse(file, source);
    } catch (e) {
      throw new Error(`${file} is not valid HCL: ${(e as Error).message}`);
    }
    mergeTyped(module.resources, json.resource, `${file}: resource`);
    mergeTyped(module.data, json.data, `${file}: data`);
    mergeNamed(module.variables, json.variable, `${file}: variable`);
    mergeNamed(module.outputs, json.output, `${file}: output`);
    for (const locals of (json.locals as Block[] | undefined) ?? []) {
      for (const [name, value] of Object.entries(locals)) {
        if (name in module.locals) throw new Error(`${file}: local.${name} is defined twice`);
        module.locals[name] = value;
      }
    }
    module.terraform.push(...((json.terraform as Block[] | undefined) ?? []));
  }
  return module;
}

function mergeTyped(into: Record<string, Record<string, Block>>, blocks: unknown, where: string): void {
  for (const [type, byName] of Object.entries((blocks ?? {}) as Record<string, Record<string, Block[]>>)) {
    into[type] ??= {};
    for (const [name, [body]] of Object.entries(byName)) {
      if (name in into[type]) throw new Error(`${where} ${type}.${name} is defined twice`);
      into[type][name] = body!;
    }
  }
}

function mergeNamed(into: Record<string, Block>, blocks: unknown, where: string): void {
  for (const [name, [body]] of Object.entries((blocks ?? {}) as Record<string, Block[]>)) {
    if (name in into) throw new Error(`${where} ${name} is defined twice`);
    into[name] = body!;
  }
}

/** Source without comments, so that a reference in a comment does not count as one. */
export function stripComments(source: string): string {
  return source
    .split('\n')
    .map((line) => {
      // Drop `#` and `//` comments outside strings (good enough for this module: no `#` in strings).
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === '"' && line[i - 1] !== '\\') inString = !inString;
        if (!inString && (c === '#' || (c === '/' && line[i + 1] === '/'))) return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

/** Every `kind.name` reference (var.x, local.y) in the module's code. */
export function referencesOf(module: TerraformModule, kind: 'var' | 'local'): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [file, source] of Object.entries(module.sources)) {
    for (const m of stripComments(source).matchAll(new RegExp(`(?<![\\w.])${kind}\\.([A-Za-z_][\\w-]*)`, 'g'))) {
      found.set(m[1]!, [...(found.get(m[1]!) ?? []), file]);
    }
  }
  return found;
}

/** Every `resource_type.name` and `data.type.name` reference to a managed/data resource. */
export function resourceReferences(module: TerraformModule): { resources: Set<string>; data: Set<string> } {
  const resources = new Set<string>();
  const data = new Set<string>();
  for (const source of Object.values(module.sources)) {
    const code = stripComments(source);
    for (const m of code.matchAll(/(?<![\w."-])data\.([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)/g)) data.add(`${m[1]}.${m[2]}`);
    for (const m of code.matchAll(/(?<![\w."-])((?:aws|random)_[a-z0-9_]+)\.([a-z][a-z0-9_]*)/g)) resources.add(`${m[1]}.${m[2]}`);
  }
  return { resources, data };
}

/** A statement of an aws_iam_policy_document, by sid. */
export function policyStatement(module: TerraformModule, document: string, sid: string): Block {
  const doc = module.data.aws_iam_policy_document?.[document];
  if (!doc) throw new Error(`data.aws_iam_policy_document.${document} is missing`);
  const statement = ((doc.statement as Block[] | undefined) ?? []).find((s) => s.sid === sid);
  if (!statement) throw new Error(`data.aws_iam_policy_document.${document} has no statement with sid "${sid}"`);
  return statement;
}
