import type { AppErrorSubCode, FieldIssue } from '../../lib/errors';

/** The CLI's exit codes, for scripts: documented in `codeflow --help` and the README. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  refused: 3,
  needsApproval: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An error the CLI reports in one line and exits with `code`; never a stack trace. From the API it
 * keeps the server's sub-code and field issues, so commands branch on those, never on the message.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: ExitCode = EXIT.failure,
    readonly details: { subCode?: AppErrorSubCode; fields?: FieldIssue[] } = {},
  ) {
    super(message);
  }
}
