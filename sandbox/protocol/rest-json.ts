import { AwsError } from './errors';
import type { AwsRequest } from './request';
import type { RestRoute, ServiceDefinition } from './operations';

/**
 * restJson1: the operation comes from method + path; input merges path labels, query string and
 * JSON body. The services using it (GuardDuty) declare their routes.
 */
export function parseRestJsonRequest(service: ServiceDefinition, request: AwsRequest): { operation: string; input: Record<string, unknown> } {
  for (const route of service.restRoutes ?? []) {
    const labels = matchRoute(route, request.method, request.path);
    if (!labels) continue;
    let body: unknown = {};
    if (request.body.trim() !== '') {
      try {
        body = JSON.parse(request.body);
      } catch {
        throw new AwsError('BadRequestException', 'The request body is not valid JSON');
      }
    }
    const query = Object.fromEntries(request.query);
    return { operation: route.operation, input: { ...query, ...(body as object), ...labels } };
  }
  throw new AwsError('UnknownOperationException', `No operation matches ${request.method} ${request.path}`, 404);
}

function matchRoute(route: RestRoute, method: string, path: string): Record<string, string> | null {
  if (route.method !== method) return null;
  const want = route.path.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const labels: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = decodeURIComponent(got[i]!);
    if (w.startsWith('{') && w.endsWith('}')) labels[w.slice(1, -1)] = g;
    else if (w !== g) return null;
  }
  return labels;
}
