import { AppError } from '../errors';

/** Plain helpers of parseBody (lib/api/body.ts), apart so they can be tested in plain Node. */

export function isJsonContentType(value: string | null): boolean {
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type !== undefined && /^application\/[\w.+-]+\+json$/.test(type));
}

export async function readBodyText(req: { headers: Headers; body: ReadableStream<Uint8Array> | null }, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError('too_large', `The request body is larger than ${maxBytes} bytes, the most Codeflow accepts.`);
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
