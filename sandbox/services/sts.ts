import type { SandboxOrganization } from '../organization';
import { assumedRoleArn, SANDBOX_USER_NAME, uniqueIdOf } from '../organization';
import { AwsError } from '../protocol/errors';
import type { ServiceDefinition } from '../protocol/operations';
import type { AwsRequest } from '../protocol/request';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** AWS's awsQuery timestamps: ISO 8601 to the second. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Collects constraint violations and reports them the way STS does:
 * "2 validation errors detected: Value '…' at 'roleSessionName' failed to satisfy constraint: …; …".
 */
class Violations {
  private readonly found: string[] = [];

  add(value: unknown, member: string, constraint: string): void {
    const shown = value === undefined ? 'null' : `'${String(value)}'`;
    this.found.push(`Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`);
  }

  string(value: unknown, member: string, min: number, max: number, pattern?: { re: RegExp; source: string }, required = false): string | undefined {
    if (value === undefined) {
      if (required) this.add(undefined, member, 'Member must not be null');
      return undefined;
    }
    const text = String(value);
    if (text.length < min) this.add(text, member, `Member must have length greater than or equal to ${min}`);
    else if (text.length > max) this.add(text, member, `Member must have length less than or equal to ${max}`);
    if (pattern && !pattern.re.test(text)) this.add(text, member, `Member must satisfy regular expression pattern: ${pattern.source}`);
    return text;
  }

  throwIfAny(): void {
    if (this.found.length === 0) return;
    const n = this.found.length;
    throw new AwsError('ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${this.found.join('; ')}`);
  }
}

/**
 * AWS STS (awsQuery, signing name `sts`) for the sandbox's organisation: AssumeRole into the roles the
 * organisation's accounts list, and GetCallerIdentity. The caller is the request's access key (the
 * router has already refused expired and unknown sandbox keys).
 */
export function stsService(organization: SandboxOrganization): ServiceDefinition {
  const callerOf = (request: AwsRequest) => {
    const resolved = organization.resolveKey(request.accessKeyId);
    if ('problem' in resolved) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    return resolved.caller;
  };

  return {
    signingName: 'sts',
    protocols: ['awsQuery'],
    xmlNamespace: STS_XMLNS,
    operations: {
      AssumeRole(input, request) {
        const v = new Violations();
        const roleArn = v.string(input.RoleArn, 'roleArn', 20, 2048, undefined, true);
        const sessionName = v.string(input.RoleSessionName, 'roleSessionName', 2, 64, { re: SESSION_NAME, source: '[\\w+=,.@-]*' }, true);
        const externalId = v.string(input.ExternalId, 'externalId', 2, 1224, { re: EXTERNAL_ID, source: '[\\w+=,.@:\\/-]*' });
        let durationSeconds = 3600;
        if (input.DurationSeconds !== undefined) {
          durationSeconds = Number(input.DurationSeconds);
          if (!Number.isInteger(durationSeconds)) throw new AwsError('ValidationError', `Value '${String(input.DurationSeconds)}' for parameter DurationSeconds is invalid.`);
          if (durationSeconds < 900) v.add(durationSeconds, 'durationSeconds', 'Member must have value greater than or equal to 900');
          else if (durationSeconds > 43200) v.add(durationSeconds, 'durationSeconds', 'Member must have value less than or equal to 43200');
        }
        v.throwIfAny();
        if (!ROLE_ARN.test(roleArn!)) throw new AwsError('ValidationError', 'Request ARN is invalid');

        const caller = callerOf(request);
        const account = organization.roleOwner(roleArn!);
        // An unknown role, an untrusted caller and a wrong external id look alike to the caller, as in AWS.
        if (!account || !organization.trusts(account, caller, externalId)) {
          throw new AwsError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
        }
        const issued = organization.issue(account, roleArn!, sessionName!, durationSeconds);
        return {
          Credentials: { AccessKeyId: issued.accessKeyId, SecretAccessKey: issued.secretAccessKey, SessionToken: issued.sessionToken, Expiration: isoSeconds(issued.expiresAt) },
          AssumedRoleUser: { AssumedRoleId: `${issued.assumedRoleId}:${issued.sessionName}`, Arn: assumedRoleArn(issued) },
        };
      },

      GetCallerIdentity(_input, request) {
        const caller = callerOf(request);
        return { UserId: caller.userId, Account: caller.accountId, Arn: caller.arn };
      },
    },
  };
}

/**
 * STS of a one-account sandbox (no organisation): GetCallerIdentity names the sandbox's user, as AWS
 * names whoever signed the request; the account has no roles, so AssumeRole is refused as AWS refuses
 * a role that does not exist.
 */
export function singleAccountStsService(accountId: string): ServiceDefinition {
  const user = { accountId, arn: `arn:aws:iam::${accountId}:user/${SANDBOX_USER_NAME}`, userId: uniqueIdOf('AIDA', `${accountId}:${SANDBOX_USER_NAME}`) };
  return {
    signingName: 'sts',
    protocols: ['awsQuery'],
    xmlNamespace: STS_XMLNS,
    operations: {
      AssumeRole(input) {
        throw new AwsError('AccessDenied', `User: ${user.arn} is not authorized to perform: sts:AssumeRole on resource: ${String(input.RoleArn ?? '')}`, 403);
      },
      GetCallerIdentity() {
        return { UserId: user.userId, Account: user.accountId, Arn: user.arn };
      },
    },
  };
}
