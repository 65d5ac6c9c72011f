import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Operation, OperationKind, Plan, PlanRequest } from '../lib/ops/types';
import type { ParsedArgs } from './args';
import { intFlag, UsageError } from './args';
import type { Output } from './output';
import { placeChoiceOf, placeOptionsUsage, placeQueryString, type PlaceChoice } from './place';
import { ask } from './prompt';
import type { ApiClient } from './remote/api-client';
import { CliError, EXIT } from './remote/exit-codes';
import { remoteContext } from './remote-command';

export const opsUsage = `codeflow deploy   <cluster>/<service> --image <tag | ref> [--container <name>]
codeflow rollback <cluster>/<service> [--to <family:revision | task definition ARN>]
codeflow scale    <cluster>/<service> --count <N>
codeflow restart  <cluster>/<service>
  Options for all four:
    --reason "…"          why (required; asked at a terminal when missing)
    --dry-run             print the plan (what would change, which guards apply) and stop
    --yes --confirm <svc> for scripts: skip the prompt; --confirm must be the exact service name
    --incident <id>       link the operation to an incident
    --no-wait             return once accepted instead of following the rollout
    --json                print the plan / final operation as JSON
    ${placeOptionsUsage}
  The server plans, checks your role and the environment's policy, takes the service's lock and
  audits every step, exactly as in the browser. Exit 0 when it succeeded, 1 when it failed or was
  rolled back, 3 when refused (role, policy, lock, read-only), 4 when it waits for another
  operator's approval (follow it in Codeflow's Operations page).`;

export const alarmsUsage = `codeflow alarms <cluster>/<service> [--recommended] [--put <file.json>] [--delete <names>]
                [--enable-actions <names>] [--disable-actions <names>]
  Changes the service's CloudWatch alarms (guide §4.1) as one guarded operation:
    --recommended          the guide's set for the service (CPU > 70 %, memory > 80 %, p95 > 200 ms,
                           5xx > 1 %, and the rollback triggers from the environment's policy)
    --put <file.json>      alarms to create or change: a JSON list of alarm specs ("-" reads stdin);
                           fields left out of an existing alarm keep their values
    --delete, --enable-actions, --disable-actions <name,name,…>
  The plan lists each alarm's change and the equivalent \`aws cloudwatch\` command; --dry-run stops there.
  --reason, --yes --confirm, --incident, --no-wait, --json and the place options as for deploy.`;

const FINISHED = new Set(['succeeded', 'failed', 'rolled_back', 'rejected', 'expired', 'cancelled', 'outcome_unknown']);

export function opsCommand(kind: OperationKind) {
  return (args: ParsedArgs): Promise<void> =>
    runOps(kind, args).catch((e: unknown) => {
      throw inCliTerms(e);
    });
}

/** The API's names of request fields → the flag that sets each. */
const FLAG_OF_FIELD: Record<string, string> = {
  image: '--image',
  container: '--container',
  revision: '--to',
  desiredCount: '--count',
  reason: '--reason',
  confirmName: '--confirm',
  incidentId: '--incident',
  account: '--account',
  region: '--region',
};

/**
 * A refusal from the API in the CLI's terms, decided by its sub-code and fields (never by its
 * message): each bad field named by the flag that sets it, and what to do next where the server's
 * own words are about the console.
 */
export function inCliTerms(e: unknown): unknown {
  if (!(e instanceof CliError)) return e;
  const { subCode, fields } = e.details;
  if (subCode === 'invalid' && fields?.length) {
    const said = fields.map((f) => {
      const field = f.path.replace(/^request\./, '');
      return `${FLAG_OF_FIELD[field] ?? field}: ${f.message}`;
    });
    return new CliError(said.join('; '), e.code, e.details);
  }
  const next =
    subCode === 'stale_plan'
      ? 'run the command again to see the new plan'
      : subCode === 'locked'
        ? "follow that operation in Codeflow's Operations page, and run the command again once it has finished"
        : null;
  return next ? new CliError(`${e.message} — ${next}`, e.code, e.details) : e;
}

async function runOps(kind: OperationKind, args: ParsedArgs): Promise<void> {
  const { cluster, service } = serviceRef(args.positionals[1], kind);
  const request = planRequest(kind, args);
  const choice = placeChoiceOf(args);
  const { api, out } = remoteContext(args);
  const base = `/api/services/${encodeURIComponent(cluster)}/${encodeURIComponent(service)}`;
  const { plan } = await api.post<{ plan: Plan }>(`${base}/plan${placeQueryString(choice)}`, request);
  const where = whereOf(choice, plan);

  if (args.flags['dry-run'] === true) {
    if (out.json) return out.printJson(plan);
    printPlan(out, plan, where);
    if (plan.blocked) throw new CliError('the plan is blocked by a guard (see above)', EXIT.refused);
    return;
  }
  if (!out.json) printPlan(out, plan, where);
  if (plan.blocked) throw new CliError('the plan is blocked by a guard (see above); nothing was changed', EXIT.refused);

  const reason = await reasonOf(args);
  const confirmName = await confirmationOf(args, service, where);
  const incidentId = typeof args.flags.incident === 'string' ? args.flags.incident : undefined;
  // The place the plan was made in, as ids, so the submission cannot land anywhere else.
  const place = plan.account && plan.region ? { account: plan.account, region: plan.region } : choice;
  const { operation } = await api.post<{ operation: Operation }>(
    '/api/operations',
    { cluster, service, ...place, request, fingerprint: plan.fingerprint, confirmName, reason, incidentId },
    { idempotencyKey: randomUUID() },
  );
  const link = `${api.server.url}/operations/${operation.id}`;
  if (operation.status === 'awaiting_approval') {
    if (out.json) out.printJson(operation);
    else out.print(`Waiting for another operator to approve${operation.approvalDeadline ? ` (until ${operation.approvalDeadline})` : ''}: ${link}`);
    process.exitCode = EXIT.needsApproval;
    return;
  }
  if (!out.json) out.print(`Started: ${link}`);
  if (args.flags['no-wait'] === true) {
    if (out.json) out.printJson(operation);
    return;
  }
  const final = await follow(api, out, operation);
  if (out.json) out.printJson(final);
  if (final.status !== 'succeeded') {
    throw new CliError(`${final.kind} of ${cluster}/${service}${where} ended ${final.status}${final.error ? `: ${final.error}` : ''}`, EXIT.failure);
  }
  if (!out.json) out.print(out.paint('green', `${final.kind} of ${cluster}/${service}${where} succeeded`));
}

function serviceRef(ref: string | undefined, kind: string): { cluster: string; service: string } {
  const match = ref ? /^([\w-]{1,255})\/([\w-]{1,255})$/.exec(ref) : null;
  if (!match) throw new UsageError(`${kind} needs <cluster>/<service>, e.g. \`codeflow ${kind} codeflow-cluster/codeflow-service\``);
  return { cluster: match[1]!, service: match[2]! };
}

function planRequest(kind: OperationKind, args: ParsedArgs): PlanRequest {
  const str = (name: string) => {
    const v = args.flags[name];
    if (v === true) throw new UsageError(`--${name} needs a value`);
    return v;
  };
  switch (kind) {
    case 'deploy': {
      const image = str('image');
      if (!image) throw new UsageError('deploy needs --image <tag or full image reference>');
      return { kind, image, container: str('container') };
    }
    case 'rollback':
      return { kind, revision: str('to') };
    case 'scale': {
      if (args.flags.count === undefined) throw new UsageError('scale needs --count <N>');
      return { kind, desiredCount: intFlag(args, 'count')! };
    }
    case 'alarms': {
      const names = (flag: string) => {
        const v = str(flag);
        return v ? v.split(',').map((n) => n.trim()).filter(Boolean) : undefined;
      };
      const file = str('put');
      let put: unknown;
      if (file) {
        try {
          put = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
        } catch (e) {
          throw new UsageError(`--put ${file}: not a readable JSON list of alarms (${(e as Error).message})`);
        }
      }
      const alarms = { ...(args.flags.recommended === true ? { recommended: true } : {}), ...(put ? { put: Array.isArray(put) ? put : [put] } : {}), delete: names('delete'), enableActions: names('enable-actions'), disableActions: names('disable-actions') };
      if (!alarms.recommended && !alarms.put && !alarms.delete && !alarms.enableActions && !alarms.disableActions) throw new UsageError('alarms needs --recommended, --put, --delete, --enable-actions or --disable-actions');
      return { kind, alarms } as PlanRequest;
    }
    default:
      return { kind };
  }
}

async function reasonOf(args: ParsedArgs): Promise<string> {
  const given = args.flags.reason;
  if (typeof given === 'string' && given.trim()) return given.trim();
  const asked = args.flags.yes === true ? null : await ask('Reason (recorded in the audit log): ');
  if (!asked?.trim()) throw new UsageError('give a --reason (it goes into the audit log)');
  return asked.trim();
}

/**
 * " in account 210987654321 (staging), us-east-1": where the plan runs, said when the command named a
 * place (flag or environment); without one it is the server's home and goes unsaid.
 */
function whereOf(choice: PlaceChoice, plan: Plan): string {
  if (!choice.account && !choice.region) return '';
  const account = plan.account ?? choice.account;
  const region = plan.region ?? choice.region;
  return ` in account ${account}${choice.account && choice.account !== account ? ` (${choice.account})` : ''}${region ? `, ${region}` : ''}`;
}

async function confirmationOf(args: ParsedArgs, service: string, where: string): Promise<string> {
  if (args.flags.yes === true) {
    const confirm = args.flags.confirm;
    if (confirm !== service) throw new UsageError(`with --yes, pass --confirm ${service} (the exact service name) as the typed confirmation`);
    return confirm;
  }
  const typed = await ask(`Type the service name (${service}) to confirm${where}: `);
  if (typed === null) throw new UsageError(`not at a terminal: pass --yes --confirm ${service} to confirm`);
  if (typed.trim() !== service) throw new CliError('the typed name does not match; nothing was changed', EXIT.usage);
  return typed.trim();
}

function printPlan(out: Output, plan: Plan, where: string): void {
  out.print(out.paint('bold', plan.summary + where) + out.paint('dim', `  [${plan.environment}]`));
  if (plan.alarms) {
    for (const note of plan.alarms.notes) out.print(out.paint('yellow', `  note: ${note}`));
    for (const a of plan.alarms.items) {
      out.print(`  ${a.action.padEnd(15)} ${a.name}${a.differences.length ? `: ${a.differences.join('; ')}` : a.to ? `: ${a.to}` : ''}`);
      if (a.command) out.print(out.paint('dim', `      ${a.command}`));
    }
  } else for (const c of plan.changes) out.print(`  ${c.label}: ${c.from ?? '—'} → ${c.to ?? '—'}`);
  for (const d of plan.imageDiff) out.print(`  image (${d.container}): ${d.from} → ${d.to}`);
  if (plan.image) out.print(`  digest (${plan.image.container}): ${plan.image.digest ?? `none — ${plan.image.detail}`}; registered as ${plan.image.deployed}`);
  for (const d of plan.envDiff) out.print(`  env ${d.container}.${d.name}: ${d.from ?? '(unset)'} → ${d.to ?? '(unset)'}`);
  if (plan.cost) {
    const { cpuUnitsPerTask: cpu, memoryMiBPerTask: mem, currentCount: from, newCount: to } = plan.cost;
    out.print(`  capacity: ${from} × (${cpu / 1024} vCPU, ${mem} MiB) → ${to} × (${cpu / 1024} vCPU, ${mem} MiB)`);
  }
  for (const g of plan.guards) {
    const style = g.status === 'ok' ? 'green' : g.status === 'blocked' ? 'red' : 'yellow';
    out.print(`  ${out.paint(style, g.status === 'ok' ? '✓' : g.status === 'blocked' ? '✗' : '!')} ${g.label}: ${g.detail}`);
  }
}

/** Polls the operation every 2 s, printing each step and rollout change once, until it finishes. */
async function follow(api: ApiClient, out: Output, start: Operation): Promise<Operation> {
  let op = start;
  const said = new Set<string>();
  for (;;) {
    for (const step of op.steps) {
      const line = `${step.name}: ${step.status}${step.detail ? ` — ${step.detail}` : ''}`;
      if (step.status !== 'pending' && !said.has(line)) {
        said.add(line);
        if (!out.json) out.print(`  ${out.paint('dim', step.at ?? '')} ${line}`);
      }
    }
    if (op.rollout) {
      const line = `rollout ${op.rollout.state}: ${op.rollout.running}/${op.rollout.desired} running${op.rollout.failedTasks ? `, ${op.rollout.failedTasks} failed` : ''}`;
      if (!said.has(line)) {
        said.add(line);
        if (!out.json) out.print(`  ${line}`);
      }
    }
    for (const t of op.triggers.filter((t) => t.tripped)) {
      const line = `trigger tripped: ${t.label}${t.value !== null ? ` ${t.value}${t.unit ?? ''}` : ''}`;
      if (!said.has(line)) {
        said.add(line);
        if (!out.json) out.print(out.paint('red', `  ${line}`));
      }
    }
    if (FINISHED.has(op.status)) return op;
    await new Promise((r) => setTimeout(r, 2000));
    op = (await api.get<{ operation: Operation }>(`/api/operations/${op.id}`)).operation;
  }
}
