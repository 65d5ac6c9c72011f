import type { IncomingMessage } from 'node:http';

/** What the router knows about an incoming AWS request before a protocol parses its body. */
export interface AwsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The SigV4 signing name from the credential scope ("ecs", "elasticloadbalancing", …). */
  signingName: string | null;
  region: string | null;
  /** The access key id of the SigV4 credential (`Credential=AKID/…`): whose account the request is for. */
  accessKeyId: string | null;
  requestId: string;
}

export interface AwsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/ecs/aws4_request, …`.
 * Signatures are not verified: any credentials are accepted.
 */
export function parseCredentialScope(authorization: string | undefined): { accessKeyId: string; region: string; service: string } | null {
  const match = authorization?.match(/Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/);
  return match ? { accessKeyId: match[1]!, region: match[2]!, service: match[3]! } : null;
}

export function readBody(req: IncomingMessage, limitBytes = 8 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
