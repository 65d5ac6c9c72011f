import type { AwsError } from './errors';
import type { AwsResponse } from './request';

/**
 * Turns flattened query parameters (`DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight`)
 * into nested objects and arrays. Values stay strings; operations coerce what they need.
 */
export function parseQueryParams(params: URLSearchParams): { action: string | null; version: string | null; input: Record<string, unknown> } {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    setPath(root, key.split('.'), value);
  }
  return { action: params.get('Action'), version: params.get('Version'), input: collapseLists(root) as Record<string, unknown> };
}

function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next !== 'object' || next === null) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  });
}

/** `{ member: { '1': a, '2': b } }` → `[a, b]`, recursively; `{ entry: … }` likewise. */
function collapseLists(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && (keys[0] === 'member' || keys[0] === 'entry')) {
    const items = record[keys[0]] as Record<string, unknown>;
    if (typeof items === 'object' && items !== null) {
      return Object.keys(items)
        .filter((k) => /^\d+$/.test(k))
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => collapseLists(items[k]));
    }
  }
  return Object.fromEntries(keys.map((k) => [k, collapseLists(record[k])]));
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Serialises an output object the way awsQuery services do: arrays become `<member>` lists. */
export function toXml(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  // Maps (GetMetricStatistics' ExtendedStatistics) serialise as query protocol map entries.
  if (value instanceof Map) return [...value].map(([k, v]) => `<entry><key>${escapeXml(String(k))}</key><value>${toXml(v)}</value></entry>`).join('');
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function queryResponse(operation: string, output: unknown, xmlns: string, requestId: string): AwsResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${xmlns}">` +
    `<${operation}Result>${toXml(output)}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

export function queryError(error: AwsError, xmlns: string, requestId: string): AwsResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.fault}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}
