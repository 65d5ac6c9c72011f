import { AwsError } from '../protocol/errors';

/** Input readers that answer bad parameters the way AWS does, instead of crashing. */
export function optionalString(input: Record<string, unknown>, name: string, errorCode = 'InvalidParameterException'): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError(errorCode, `${name} must be a string.`);
  return value;
}

export function requiredString(input: Record<string, unknown>, name: string, errorCode = 'InvalidParameterException'): string {
  const value = optionalString(input, name, errorCode);
  if (value === undefined || value === '') throw new AwsError(errorCode, `${name} can not be null or empty.`);
  return value;
}

export function optionalNumber(input: Record<string, unknown>, name: string, errorCode = 'InvalidParameterException'): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) throw new AwsError(errorCode, `${name} must be a number.`);
  return number;
}

export function optionalStringList(input: Record<string, unknown>, name: string, errorCode = 'InvalidParameterException'): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new AwsError(errorCode, `${name} must be a list of strings.`);
  return value as string[];
}

export function pageSize(input: Record<string, unknown>, name: string, max: number, fallback: number, errorCode = 'InvalidParameterException'): number {
  const value = optionalNumber(input, name, errorCode);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new AwsError(errorCode, `${name} must be between 1 and ${max}.`);
  return value;
}

/** Opaque pagination tokens: an offset, base64-encoded so clients treat it as opaque. */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodeToken(token: string | undefined, errorCode = 'InvalidParameterException'): number {
  if (!token) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new AwsError(errorCode, 'The specified nextToken is invalid.');
}

export function paginate<T>(items: T[], token: string | undefined, size: number, errorCode?: string): { page: T[]; next: string | undefined } {
  const offset = decodeToken(token, errorCode);
  const page = items.slice(offset, offset + size);
  return { page, next: offset + size < items.length ? encodeToken(offset + size) : undefined };
}
