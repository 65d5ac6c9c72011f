/** An alarms change is chosen in the Alarms card before the dialog opens; the plan below lists it alarm by alarm. */
export function AlarmsInputs() {
  return (
    <p className="text-[13px] text-fg-muted">
      One operation: each CloudWatch call is audited and sent under the service&apos;s lock, then the alarms are read back until CloudWatch shows the change.
    </p>
  );
}
