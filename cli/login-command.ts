import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { ParsedArgs } from './args';
import { UsageError } from './args';
import { createOutput } from './output';
import { ApiClient } from './remote/api-client';
import { credentialsPath, forgetServer, normalizeServerUrl, readCredentials, saveServer } from './remote/credentials';
import { CliError, EXIT } from './remote/exit-codes';
import { remoteContext } from './remote-command';

export const loginUsage = `codeflow login <url> [--token-stdin]
  Store a personal API token for <url> (create one in Codeflow under API tokens). The token is
  checked against the server, then kept in ${'$'}XDG_CONFIG_HOME/codeflow/credentials.json (mode 0600).
  At a terminal it is asked for without echo; --token-stdin (or a pipe) reads it from standard input.

codeflow logout [<url>]      Forget the token for <url> (default: the current server)
codeflow whoami [--json]     Who the stored token signs in as, and the role the server gives it`;

interface Me {
  name: string | null;
  email: string | null;
  role: string;
  via: string;
}

export async function runLoginCommand(args: ParsedArgs): Promise<void> {
  const [, rawUrl] = args.positionals;
  if (!rawUrl) throw new UsageError('login needs the server URL, e.g. `codeflow login https://codeflow.example.com`');
  const url = normalizeServerUrl(rawUrl);
  const token = (await readToken(url, args.flags['token-stdin'] === true)).trim();
  if (!/^cf_[A-Za-z0-9_-]{16,}$/.test(token)) throw new CliError('that does not look like a Codeflow API token (they start with cf_)', EXIT.usage);
  const me = await new ApiClient({ url, token }).get<Me>('/api/me');
  if (me.via !== 'token') throw new CliError('the server did not treat this as an API token', EXIT.failure);
  saveServer(url, { token, name: me.name, role: me.role });
  createOutput().print(`Signed in to ${url} as ${me.name ?? me.email ?? 'unknown'} (${me.role}). Token saved in ${credentialsPath()}.`);
}

export async function runLogoutCommand(args: ParsedArgs): Promise<void> {
  const [, rawUrl] = args.positionals;
  const url = rawUrl ? normalizeServerUrl(rawUrl) : readCredentials().current;
  if (!url) throw new CliError('not signed in anywhere', EXIT.usage);
  const removed = forgetServer(url);
  createOutput().print(removed ? `Forgot the token for ${url}. (Revoke it in Codeflow under API tokens if it may have leaked.)` : `No token stored for ${url}.`);
}

export async function runWhoamiCommand(args: ParsedArgs): Promise<void> {
  const { api, out } = remoteContext(args);
  const me = await api.get<Me & { can: Record<string, boolean> }>('/api/me');
  if (out.json) return out.printJson({ server: api.server.url, ...me });
  out.print(`${me.name ?? me.email ?? 'unknown'} (${me.role}) on ${api.server.url}`);
  const allowed = Object.entries(me.can).filter(([, ok]) => ok).map(([a]) => a);
  out.print(out.paint('dim', `may: ${allowed.join(', ')}`));
}

async function readToken(url: string, fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  return promptHidden(`Paste an API token for ${url} (create one at ${url}/settings/tokens): `);
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
