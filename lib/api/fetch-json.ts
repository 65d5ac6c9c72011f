/** An API error as the browser sees it: the server's code and message, never a stack trace. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;

  constructor(status: number, code: string, message: string, requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

export async function fetchJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(0, 'network', 'Codeflow’s server could not be reached; check your connection');
  }
  if (res.ok) return (await res.json()) as T;

  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; requestId?: string } } | null;
  throw new ApiError(
    res.status,
    body?.error?.code ?? 'http',
    body?.error?.message ?? `The server answered ${res.status} ${res.statusText}`.trim(),
    body?.error?.requestId,
  );
}
