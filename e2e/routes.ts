import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Action } from '../lib/auth/can';
import { OPERATION_ROUTES } from '../lib/api/operations/routes';

export interface ApiRoute {
  /** URL with sample values for dynamic segments. */
  path: string;
  method: string;
  /** The action the handler's withUser() demands; null for public routes. */
  action: Action | null;
  file: string;
}

/** Routes that need no session: health is open; metrics takes its own bearer token (CODEFLOW_METRICS_TOKEN), never a session. */
const PUBLIC = new Set(['/api/health', '/api/metrics']);
const SAMPLE: Record<string, string> = { cluster: 'codeflow-cluster', service: 'codeflow-service', id: '00000000-0000-4000-8000-000000000000', taskId: 'no-such-task' };

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/**
 * Every API route handler in app/, found by reading the source, so a new route is covered by the
 * authorization suite without anyone remembering to add it.
 */
export function listApiRoutes(root = process.cwd()): ApiRoute[] {
  const apiDir = join(root, 'app', 'api');
  const routes: ApiRoute[] = [];
  for (const file of walk(apiDir)) {
    if (!file.endsWith(`${sep}route.ts`)) continue;
    const segments = relative(join(root, 'app'), file).split(sep).slice(0, -1);
    if (segments[1] === 'auth') continue; // next-auth's own endpoints
    const pattern = '/' + segments.join('/');
    const path = '/' + segments.map((s) => s.replace(/^\[\.{0,3}(\w+)\]$/, (_m, name: string) => SAMPLE[name] ?? 'x')).join('/');
    const source = readFileSync(file, 'utf8');
    const exports = [...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)];
    const fileAction = source.match(/action: '([\w.-]+)'/)?.[1] ?? null;
    exports.forEach((m, i) => {
      // A file may guard its methods differently (GET for viewers, POST for responders): each
      // method's action is the first one between its export and the next.
      const registered = (OPERATION_ROUTES as Record<string, { action: Action }>)[`${m[1]} ${pattern}`]?.action;
      const own = registered ?? source.slice(m.index, exports[i + 1]?.index ?? source.length).match(/action: '([\w.-]+)'/)?.[1];
      const action = (own ?? fileAction) as Action | null;
      routes.push({ path, method: m[1]!, action: PUBLIC.has(path) ? null : action, file: relative(root, file) });
    });
  }
  return routes;
}

/** Every page in app/, with sample values for dynamic segments. */
export function listPages(root = process.cwd()): string[] {
  const appDir = join(root, 'app');
  const pages: string[] = [];
  for (const file of walk(appDir)) {
    if (!file.endsWith(`${sep}page.tsx`)) continue;
    const segments = relative(appDir, file).split(sep).slice(0, -1).filter((s) => !/^\(.*\)$/.test(s));
    pages.push('/' + segments.map((s) => s.replace(/^\[(\w+)\]$/, (_m, name: string) => SAMPLE[name] ?? 'x')).join('/'));
  }
  return pages.filter((p) => p !== '/signin');
}
