import type { SandboxUser } from './users';

export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Inline and self-contained: the sandbox must work offline, and a sign-in page should load nothing foreign.
const STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #17191c; --muted: #5d6470; --border: #dfe3e8; --hover: #eef3ff; --accent: #2f5bd3; --warn-bg: #fff7e0; --warn-text: #6b4e00; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1115; --card: #171a20; --text: #e7e9ed; --muted: #9aa3b2; --border: #2a2f38; --hover: #1e2533; --accent: #7ea2ff; --warn-bg: #2b2410; --warn-text: #f0d48a; }
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--text);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: min(440px, calc(100vw - 32px)); margin: 32px 0; background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 28px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p { margin: 0 0 16px; color: var(--muted); }
form { margin: 0; }
ul { list-style: none; padding: 0; margin: 0 0 16px; display: grid; gap: 8px; }
button.user { width: 100%; text-align: left; display: grid; gap: 2px; padding: 12px 14px; border: 1px solid var(--border); border-radius: 8px;
  background: transparent; color: inherit; font: inherit; cursor: pointer; }
button.user:hover, button.user:focus-visible { background: var(--hover); border-color: var(--accent); outline: none; }
.name { font-weight: 600; }
.role { color: var(--muted); font-size: 13px; }
.role b { color: var(--text); }
.note { background: var(--warn-bg); color: var(--warn-text); border-radius: 8px; padding: 10px 12px; font-size: 13px; margin: 0 0 12px; }
.secondary { background: none; border: none; color: var(--accent); font: inherit; padding: 0; cursor: pointer; }
code { font-size: 13px; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export function signInPage(options: { uid: string; clientName: string; users: readonly SandboxUser[] }): string {
  const action = `/oidc/interaction/${encodeURIComponent(options.uid)}`;
  const buttons = options.users
    .map(
      (u) => `<li><button class="user" type="submit" name="user" value="${escapeHtml(u.id)}" data-testid="sandbox-user-${escapeHtml(u.id)}">
  <span class="name">${escapeHtml(u.name)}</span>
  <span class="role"><b>${escapeHtml(u.role)}</b> — ${escapeHtml(u.can)}</span>
</button></li>`,
    )
    .join('\n');
  return page(
    'Codeflow sandbox sign-in',
    `<h1>Codeflow sandbox sign-in</h1>
<p>Choose who to be in ${escapeHtml(options.clientName)}. Each person holds one role.</p>
<form method="post" action="${action}/login">
<ul>
${buttons}
</ul>
</form>
<p class="note">Sandbox identities — never accepted when Codeflow points at real AWS.</p>
<form method="post" action="${action}/abort"><button class="secondary" type="submit">Cancel sign-in</button></form>`,
  );
}

export function messagePage(title: string, message: string, detail?: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>${detail ? `\n<p><code>${escapeHtml(detail)}</code></p>` : ''}`);
}

/**
 * RP-initiated logout needs a confirmation POST (it carries oidc-provider's xsrf token). The user
 * already chose "sign out" in Codeflow, so the page submits itself; the button covers no-script.
 */
export function logoutPage(form: string): string {
  return page(
    'Signing out of the Codeflow sandbox',
    `<h1>Signing out…</h1>
<p>Ending your Codeflow sandbox session.</p>
${form}
<button class="user" id="sign-out" type="submit" form="op.logoutForm" name="logout" value="yes"><span class="name">Sign out</span></button>
<script>document.getElementById('sign-out').click()</script>`,
  );
}
