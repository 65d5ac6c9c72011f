export function SandboxBanner() {
  return (
    <div
      role="note"
      data-testid="sandbox-banner"
      className="border-b border-sandbox-border bg-sandbox-bg px-6 py-1.5 text-center text-xs font-medium text-sandbox-fg"
    >
      Sandbox — simulated AWS fleet, no real resources
    </div>
  );
}
