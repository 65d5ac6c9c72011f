import type { ParsedArgs } from './args';
import { createOutput, type Output } from './output';
import { ApiClient } from './remote/api-client';
import { resolveServer } from './remote/credentials';

/** A command that talks to a Codeflow server with the stored (or CODEFLOW_TOKEN) credentials. */
export interface RemoteContext {
  api: ApiClient;
  out: Output;
}

export function remoteContext(args: ParsedArgs): RemoteContext {
  const url = typeof args.flags.url === 'string' ? args.flags.url : undefined;
  return { api: new ApiClient(resolveServer({ url })), out: createOutput({ json: args.flags.json === true }) };
}

export function wantsHelp(args: ParsedArgs): boolean {
  return args.flags.help === true || args.flags.h === true;
}
