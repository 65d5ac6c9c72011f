import 'server-only';
import { appendAudit } from '../../audit/append';
import { exportAudit, type AuditExportFormat } from '../../audit/export';
import { actorOf, type CurrentUser } from '../../auth/identity';
import { getDb } from '../../db/client';
import type { AuditFilterValues } from './filters';

const CONTENT_TYPE: Record<AuditExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/**
 * The filtered log as a file download, streamed page by page. The export itself is audited
 * (a copy of the log leaving Codeflow is worth knowing about), and the first page is read before
 * answering, so a database failure is an error response rather than a truncated 200.
 */
export async function auditExportDownload(user: CurrentUser, filters: AuditFilterValues, format: AuditExportFormat): Promise<Response> {
  const db = await getDb();
  await appendAudit(db, { actor: actorOf(user), action: 'audit.export', target: null, params: { format, filters }, outcome: 'success' });

  const chunks = exportAudit(db, filters, format);
  const head: string[] = [];
  // The header (or "["), then the first page of entries.
  for (let i = 0; i < 2; i++) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value);
  }
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = head.shift() ?? (await chunks.next()).value;
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'Content-Type': CONTENT_TYPE[format],
      'Content-Disposition': `attachment; filename="codeflow-audit-${date}.${format}"`,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
