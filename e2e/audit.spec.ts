import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { e2eEnv } from './env';

/*
 * The audit chain in the browser: the Verify button recomputes the keyed hashes on the server and
 * compares the chain with its anchors outside the database (lib/audit/anchoring.ts). Tampering
 * itself (a cut tail, a forged append, a rewritten suffix) is proven in lib/audit/verify.test.ts
 * and lib/audit/anchors.test.ts against PGlite and PostgreSQL: the console under test holds its
 * database, so a browser test cannot reach into it.
 */
test('the audit page verifies the keyed chain against the anchors kept outside the database', async ({ page }) => {
  // The sign-ins of the setup project wrote entries; the head is anchored about a second after a write.
  await expect
    .poll(async () => ((await (await page.request.get('/api/audit/verify')).json()) as { anchors: { latestSeq: number | null } }).anchors.latestSeq, { timeout: 15_000 })
    .not.toBeNull();

  await page.goto('/audit');
  await page.getByTestId('verify-chain').click();
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).toContainText(/Chain intact: [\d,]+ entr(y|ies) checked, anchored outside the database up to #\d+/);

  // The key and the anchors live in the data directory, readable by the server's user only.
  const dataDir = e2eEnv.serverEnv.CODEFLOW_DATA_DIR!;
  expect(statSync(join(dataDir, 'audit.key')).mode & 0o777).toBe(0o600);
  expect(statSync(join(dataDir, 'audit-anchors.jsonl')).mode & 0o777).toBe(0o600);
  const anchors = readFileSync(join(dataDir, 'audit-anchors.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { seq: number; hash: string });
  expect(anchors.at(-1)!.seq).toBeGreaterThan(0);
  expect(anchors.at(-1)!.hash).toMatch(/^[0-9a-f]{64}$/);
  const verify = (await (await page.request.get('/api/audit/verify')).json()) as { anchorSources: { store: string }[] };
  expect(verify.anchorSources.map((s) => s.store)).toEqual(['audit-anchors.jsonl in the data directory']);
});
