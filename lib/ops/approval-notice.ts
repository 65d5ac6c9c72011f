import type { Db } from '../db/client';
import type { WebhookTarget } from '../incidents/config';
import { enqueueWebhooks, escapeMrkdwn } from '../notify/webhook-outbox';
import type { OperationRow } from './store';

/** Where approval requests go: the webhook targets that list the `approval` event (incidents config). */
export interface ApprovalNoticeConfig {
  webhooks: WebhookTarget[];
  /** The console's public URL; the link to approve is `<publicUrl>/operations/<id>`. */
  publicUrl: string | null;
  notifications: { maxAttempts: number };
}

export function approvalLink(config: Pick<ApprovalNoticeConfig, 'publicUrl'>, operationId: string): string | null {
  return config.publicUrl ? `${config.publicUrl.replace(/\/$/, '')}/operations/${operationId}` : null;
}

/** Minutes from `from` to `to`, as people say it. */
function minutesLeft(from: Date, to: Date): string {
  const min = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  return min >= 120 && min % 60 === 0 ? `${min / 60} h` : `${min} min`;
}

export function approvalNoticeText(row: OperationRow, link: string | null): string {
  const who = row.requestedByName ?? row.requestedBySubject;
  const expires = row.approvalDeadline ? ` Expires ${row.approvalDeadline.toISOString()} (in ${minutesLeft(row.createdAt, row.approvalDeadline)}).` : '';
  return `[${row.environment}] Approval needed: ${row.plan.summary} (${row.cluster}/${row.service}${row.account ? ` in ${row.account} ${row.region}` : ''}). Requested by ${who}: "${row.reason}".${expires} ${link ? `Approve or reject: ${link}` : 'Approve or reject it on Codeflow\u2019s Operations page.'}`;
}

export function approvalPayload(format: 'slack' | 'json', row: OperationRow, link: string | null): unknown {
  const text = approvalNoticeText(row, link);
  if (format === 'slack') {
    const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text) } }];
    if (link) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${link}|Review and approve in Codeflow>` }] });
    return { text, blocks };
  }
  return {
    event: 'approval',
    at: row.createdAt.toISOString(),
    text,
    operation: {
      id: row.id,
      kind: row.kind,
      account: row.account,
      region: row.region,
      cluster: row.cluster,
      service: row.service,
      environment: row.environment,
      summary: row.plan.summary,
      reason: row.reason,
      requestedBy: { subject: row.requestedBySubject, name: row.requestedByName },
      expiresAt: row.approvalDeadline?.toISOString() ?? null,
      url: link,
    },
  };
}

/**
 * Queues the approval request of an operation that waits for a second operator, in the transaction
 * that records the operation: one message per target that wants `approval`, exactly once (the
 * dedupe key names the operation), delivered by the webhook outbox like incident notifications.
 */
export async function enqueueApprovalNotice(tx: Db, config: ApprovalNoticeConfig | undefined, row: OperationRow): Promise<number> {
  if (!config) return 0;
  const link = approvalLink(config, row.id);
  const targets = config.webhooks.filter((w) => w.events.includes('approval'));
  return enqueueWebhooks(
    tx,
    targets.map((w) => ({
      subject: { operationId: row.id },
      dedupeKey: `operation:${row.id}:approval:${w.name}`,
      event: 'approval' as const,
      target: w,
      payload: approvalPayload(w.format, row, link),
      maxAttempts: config.notifications.maxAttempts,
      at: row.createdAt,
    })),
  );
}
