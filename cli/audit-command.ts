import type { ParsedArgs } from './args';
import { UsageError } from './args';
import { CliError, EXIT } from './remote/exit-codes';
import { remoteContext } from './remote-command';

export const auditUsage = `codeflow audit verify [--json]
  Re-check the audit log's hash chain on the server; exits 1 and names the first broken entry if
  anything was altered or removed.`;

type Verification =
  | { ok: true; checked: number; head: { seq: number; hash: string } | null }
  | { ok: false; checked: number; firstBroken: { seq: number; reason: string } };

export async function runAuditCommand(args: ParsedArgs): Promise<void> {
  if (args.positionals[1] !== 'verify') throw new UsageError('audit has one subcommand: `codeflow audit verify`');
  const { api, out } = remoteContext(args);
  const result = await api.get<Verification>('/api/audit/verify');
  if (out.json) out.printJson(result);
  if (!result.ok) {
    throw new CliError(`audit chain BROKEN at entry ${result.firstBroken.seq} (${result.firstBroken.reason}); ${result.checked} entries checked`, EXIT.failure);
  }
  if (!out.json) out.print(`${out.paint('green', 'audit chain intact')}: ${result.checked} entries checked${result.head ? `, head #${result.head.seq} ${result.head.hash.slice(0, 12)}…` : ''}`);
}
