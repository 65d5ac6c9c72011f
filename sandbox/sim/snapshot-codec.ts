/**
 * Encodes the sandbox's object graph (the world and the simulated services' state) as JSON and
 * merges a decoded graph back into a freshly built one.
 *
 * The graph is plain data held in classes, Maps, Sets and typed arrays, with shared references (a
 * finding names the cluster record the world holds) — and a few closures (a metric series
 * synthesises its history before the sandbox started from a function). Closures cannot be stored,
 * so restoring does not build objects from nothing: the sandbox first builds a fresh world from the
 * same seed and start time (which recreates every closure and every object the services' handlers
 * captured), and the stored graph is merged into it in place, path by path. A stored function keeps
 * the fresh graph's function at the same path; an object keeps its identity when the fresh graph
 * has one of the same kind there, so anything that captured it sees the stored state.
 */

type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

const TYPED_ARRAYS = { Float32Array, Float64Array, Int32Array, Uint8Array, Uint32Array } as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

export function encodeGraph(root: unknown): Encoded {
  const ids = new Map<object, number>();
  const encode = (value: unknown): Encoded => {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) ? value : { $n: String(value) };
      case 'undefined':
        return { $u: 1 };
      case 'bigint':
        return { $big: value.toString() };
      case 'function':
      case 'symbol':
        return { $f: 1 };
    }
    if (value === null) return null;
    const object = value as object;
    if (object instanceof WeakMap || object instanceof WeakSet) return { $weak: 1 };
    const seen = ids.get(object);
    if (seen !== undefined) return { $ref: seen };
    const id = ids.size;
    ids.set(object, id);
    if (Array.isArray(object)) return { $id: id, $a: object.map(encode) };
    if (object instanceof Map) return { $id: id, $m: [...object].map(([k, v]) => [encode(k), encode(v)]) };
    if (object instanceof Set) return { $id: id, $s: [...object].map(encode) };
    if (object instanceof Date) return { $id: id, $d: object.getTime() };
    if (object instanceof RegExp) return { $id: id, $re: object.source, flags: object.flags };
    if (ArrayBuffer.isView(object)) {
      const name = object.constructor.name;
      if (!(name in TYPED_ARRAYS)) throw new Error(`cannot store a ${name}`);
      return { $id: id, $t: name, data: Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString('base64') };
    }
    const fields: Record<string, Encoded> = {};
    for (const key of Object.keys(object)) fields[key] = encode((object as Record<string, unknown>)[key]);
    const proto = Object.getPrototypeOf(object) as object | null;
    const className = proto && proto !== Object.prototype ? (proto.constructor as { name?: string }).name : undefined;
    return className ? { $id: id, $c: className, $o: fields } : { $id: id, $o: fields };
  };
  return encode(root);
}

type Tagged = Record<string, Encoded>;

const kindOf = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  if (value instanceof Set) return 'set';
  return `object:${(Object.getPrototypeOf(value) as object | null)?.constructor?.name ?? ''}`;
};

/**
 * Merges the encoded graph into `live` (a fresh graph of the same shape) and returns the result:
 * `live` itself, updated in place, wherever the kinds match.
 */
export function mergeGraph(encoded: Encoded, live: unknown): unknown {
  const byId = new Map<number, unknown>();
  /** Prototypes of the classes the live graph holds, for stored objects with no live counterpart. */
  const prototypes = new Map<string, object>();
  const collect = (value: unknown, seen = new Set<object>()): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto && proto !== Object.prototype && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set)) {
      prototypes.set((proto.constructor as { name: string }).name, proto);
    }
    if (value instanceof Map) for (const [k, v] of value) (collect(k, seen), collect(v, seen));
    else if (value instanceof Set || Array.isArray(value)) for (const v of value) collect(v, seen);
    else if (!ArrayBuffer.isView(value)) for (const v of Object.values(value)) collect(v, seen);
  };
  collect(live);

  const merge = (value: Encoded, current: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const tagged = value as Tagged;
    if ('$n' in tagged) return Number(tagged.$n);
    if ('$u' in tagged) return undefined;
    if ('$big' in tagged) return BigInt(tagged.$big as string);
    if ('$f' in tagged || '$weak' in tagged) return typeof current === 'function' || current instanceof WeakMap || current instanceof WeakSet ? current : undefined;
    if ('$ref' in tagged) return byId.get(tagged.$ref as number);
    const id = tagged.$id as number;
    if ('$a' in tagged) {
      const items = tagged.$a as Encoded[];
      const target: unknown[] = Array.isArray(current) ? current : [];
      byId.set(id, target);
      const previous = target.slice();
      target.length = 0;
      for (let i = 0; i < items.length; i++) target.push(merge(items[i]!, previous[i]));
      return target;
    }
    if ('$m' in tagged) {
      const entries = tagged.$m as [Encoded, Encoded][];
      const target = current instanceof Map ? current : new Map();
      byId.set(id, target);
      const previous = new Map(target);
      target.clear();
      for (const [k, v] of entries) {
        const key = merge(k, undefined);
        target.set(key, merge(v, previous.get(key)));
      }
      return target;
    }
    if ('$s' in tagged) {
      const target = current instanceof Set ? current : new Set();
      byId.set(id, target);
      target.clear();
      for (const item of tagged.$s as Encoded[]) target.add(merge(item, undefined));
      return target;
    }
    if ('$d' in tagged) {
      const date = new Date(tagged.$d as number);
      byId.set(id, date);
      return date;
    }
    if ('$re' in tagged) {
      const regex = new RegExp(tagged.$re as string, tagged.flags as string);
      byId.set(id, regex);
      return regex;
    }
    if ('$t' in tagged) {
      const bytes = Buffer.from(tagged.data as string, 'base64');
      const Type = TYPED_ARRAYS[tagged.$t as TypedArrayName];
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      const array = new Type(copy.buffer);
      byId.set(id, array);
      return array;
    }
    const className = tagged.$c as string | undefined;
    const fields = tagged.$o as Record<string, Encoded>;
    let target: Record<string, unknown>;
    if (current !== null && typeof current === 'object' && kindOf(current) === `object:${className ?? 'Object'}`) {
      target = current as Record<string, unknown>;
    } else if (className) {
      const proto = prototypes.get(className);
      if (!proto) throw new Error(`the stored world holds a ${className}, which this version of the sandbox does not`);
      target = Object.create(proto) as Record<string, unknown>;
    } else {
      target = {};
    }
    byId.set(id, target);
    const previous = { ...target };
    for (const key of Object.keys(target)) if (!(key in fields) && typeof target[key] !== 'function') delete target[key];
    for (const [key, field] of Object.entries(fields)) target[key] = merge(field, previous[key]);
    return target;
  };
  return merge(encoded, live);
}
