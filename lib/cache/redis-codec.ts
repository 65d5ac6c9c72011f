/**
 * JSON for cache entries that come back as they went in. The read models cache plain domain
 * objects (ISO strings, numbers, arrays), but a Date, a Map, a Set, `undefined` in an object or a
 * non-finite number would silently change shape through plain JSON, so those are tagged:
 * `{ "$cf": "date", "v": "2026-…" }`. An object that has its own "$cf" key is wrapped, so no
 * value can be mistaken for a tag.
 */
const TAG = '$cf';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function encodeValue(value: unknown, seen: Set<object>): Json {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : { [TAG]: 'num', v: String(value) };
    case 'undefined':
      return { [TAG]: 'undef' };
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() };
    case 'function':
    case 'symbol':
      throw new TypeError(`a ${typeof value} cannot be cached in Redis`);
  }
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError('a value with a cycle cannot be cached in Redis');
  seen.add(obj);
  try {
    if (obj instanceof Date) return { [TAG]: 'date', v: Number.isNaN(obj.getTime()) ? null : obj.toISOString() };
    if (Array.isArray(obj)) return obj.map((item) => encodeValue(item, seen));
    if (obj instanceof Map) return { [TAG]: 'map', v: [...obj].map(([k, v]) => [encodeValue(k, seen), encodeValue(v, seen)]) };
    if (obj instanceof Set) return { [TAG]: 'set', v: [...obj].map((v) => encodeValue(v, seen)) };
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(obj)) put(out, k, encodeValue(v, seen));
    return Object.hasOwn(obj, TAG) ? { [TAG]: 'obj', v: out } : out;
  } finally {
    seen.delete(obj);
  }
}

/** defineProperty, so a "__proto__" key from the data stays a key rather than becoming a prototype. */
function put(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function decodeValue(json: Json): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(decodeValue);
  const tag = json[TAG];
  if (typeof tag === 'string') {
    const v = json.v;
    switch (tag) {
      case 'date':
        return new Date(typeof v === 'string' ? v : NaN);
      case 'undef':
        return undefined;
      case 'num':
        return Number(v);
      case 'bigint':
        return BigInt(v as string);
      case 'map':
        return new Map((v as [Json, Json][]).map(([k, val]) => [decodeValue(k), decodeValue(val)]));
      case 'set':
        return new Set((v as Json[]).map(decodeValue));
      case 'obj':
        return decodeObject(v as { [key: string]: Json });
    }
  }
  return decodeObject(json);
}

function decodeObject(json: { [key: string]: Json }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) put(out, k, decodeValue(v));
  return out;
}

export function encode(value: unknown): string {
  return JSON.stringify(encodeValue(value, new Set()));
}

export function decode<T>(text: string): T {
  return decodeValue(JSON.parse(text) as Json) as T;
}
