/**
 * oidc-provider's storage, in memory and private to one issuer. oidc-provider ships one too, but
 * using it prints a "development-only adapter" warning, and its store is shared by every Provider in
 * the process (tests start several sandboxes). Losing everything on restart is right for a sandbox.
 */
type Payload = Record<string, unknown> & { uid?: string; userCode?: string; grantId?: string; consumed?: number };

interface Entry {
  payload: Payload;
  expiresAt: number;
}

/** Models whose records die with their grant (revokeByGrantId). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export interface OidcAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export function createMemoryAdapterFactory(): (model: string) => OidcAdapter {
  const records = new Map<string, Entry>();
  const byUid = new Map<string, string>();
  const byUserCode = new Map<string, string>();
  const byGrant = new Map<string, Set<string>>();

  const live = (key: string): Entry | undefined => {
    const entry = records.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      records.delete(key);
      return undefined;
    }
    return entry;
  };
  // Expired records are dropped lazily on read and swept here, so a long-running sandbox does not grow.
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of records) if (entry.expiresAt <= now) records.delete(key);
  };
  let writes = 0;

  return (model: string): OidcAdapter => {
    const keyFor = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        if (++writes % 500 === 0) sweep();
        const key = keyFor(id);
        records.set(key, { payload, expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity });
        if (model === 'Session' && payload.uid) byUid.set(payload.uid, id);
        if (payload.userCode) byUserCode.set(payload.userCode, id);
        if (GRANTABLE.has(model) && payload.grantId) {
          const members = byGrant.get(payload.grantId) ?? new Set<string>();
          members.add(key);
          byGrant.set(payload.grantId, members);
        }
      },
      async find(id) {
        return live(keyFor(id))?.payload;
      },
      async findByUid(uid) {
        const id = byUid.get(uid);
        return id === undefined ? undefined : live(keyFor(id))?.payload;
      },
      async findByUserCode(userCode) {
        const id = byUserCode.get(userCode);
        return id === undefined ? undefined : live(keyFor(id))?.payload;
      },
      async consume(id) {
        const entry = live(keyFor(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        const key = keyFor(id);
        const entry = records.get(key);
        records.delete(key);
        if (entry?.payload.uid && byUid.get(entry.payload.uid) === id) byUid.delete(entry.payload.uid);
        if (entry?.payload.userCode && byUserCode.get(entry.payload.userCode) === id) byUserCode.delete(entry.payload.userCode);
      },
      async revokeByGrantId(grantId) {
        for (const key of byGrant.get(grantId) ?? []) records.delete(key);
        byGrant.delete(grantId);
      },
    };
  };
}
