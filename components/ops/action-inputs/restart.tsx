/** Restart needs no input: it is planned as soon as the dialog opens. */
export function RestartInputs() {
  return (
    <p className="text-[13px] text-fg-muted">
      A new deployment of the same task definition: every task is replaced, rolling, with the service&apos;s usual health checks.
    </p>
  );
}
