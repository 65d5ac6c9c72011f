import type { ParsedArgs } from './args';
import { UsageError } from './args';
import { CliError, EXIT } from './remote/exit-codes';
import { remoteContext } from './remote-command';

export const auditUsage = `codeflow audit verify [--json]
  Re-check the audit log on the server: every entry's keyed hash, and the chain against its anchors
  outside the database; exits 1 and names the first bad entry if anything was altered, added or
  removed.`;

interface Anchors {
  count: number;
  latestSeq: number | null;
}

type Verification = { anchorSources?: { store: string; anchors: number }[] } & (
  | { ok: true; checked: number; head: { seq: number; hash: string } | null; legacy?: number; anchors?: Anchors }
  | { ok: false; checked: number; firstBroken: { seq: number; reason: string }; anchors?: Anchors }
);

export async function runAuditCommand(args: ParsedArgs): Promise<void> {
  if (args.positionals[1] !== 'verify') throw new UsageError('audit has one subcommand: `codeflow audit verify`');
  const { api, out } = remoteContext(args);
  const result = await api.get<Verification>('/api/audit/verify');
  if (out.json) out.printJson(result);
  if (!result.ok) {
    throw new CliError(`audit chain BROKEN at entry ${result.firstBroken.seq} (${result.firstBroken.reason}); ${result.checked} entries checked`, EXIT.failure);
  }
  if (out.json) return;
  const anchored = result.anchors?.latestSeq != null ? `; anchored up to #${result.anchors.latestSeq} (${(result.anchorSources ?? []).map((s) => `${s.anchors} in ${s.store}`).join(', ')})` : '; no anchors yet';
  const legacy = result.legacy ? `; #1–#${result.legacy} predate the audit key` : '';
  out.print(`${out.paint('green', 'audit chain intact')}: ${result.checked} entries checked${result.head ? `, head #${result.head.seq} ${result.head.hash.slice(0, 12)}…` : ''}${anchored}${legacy}`);
}
