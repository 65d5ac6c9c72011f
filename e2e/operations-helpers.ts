import { expect, type Browser, type Page } from '@playwright/test';
import { e2eEnv } from './env';
import { advanceClock, sandboxUrl } from './sandbox';
import type { DemoRole } from './sign-in';

/** The ECS API of the sandbox, as any AWS client would call it: a change made outside Codeflow. */
export async function ecs(operation: string, body: unknown): Promise<any> {
  const response = await fetch(sandboxUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=e2e/20261127/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`ecs ${operation}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A page in a fresh browser context signed in as `role` (auth.setup.ts stored its session). */
export async function pageAs(browser: Browser, role: DemoRole): Promise<Page> {
  const context = await browser.newContext({ storageState: e2eEnv.storageState(role) });
  return context.newPage();
}

/** The operation progress view on the page. */
export const operation = (page: Page) => page.getByTestId('operation');

/**
 * Moves the sandbox's clock on in steps until the operation on screen reaches `status`: the
 * rollout, the bake time and the triggers run on AWS time, so nothing here sleeps.
 */
export async function advanceUntilStatus(page: Page, status: string | RegExp, { step = 20, timeout = 120_000 } = {}) {
  await expect
    .poll(
      async () => {
        const now = await operation(page).getAttribute('data-status');
        if (now !== null && (typeof status === 'string' ? now === status : status.test(now))) return now;
        await advanceClock(step);
        return now;
      },
      { timeout, intervals: [1_000] },
    )
    .toMatch(typeof status === 'string' ? new RegExp(`^${status}$`) : status);
}

/** Types the service name and the reason (and an incident) into the open action dialog. */
export async function fillConfirmation(page: Page, service: string, reason: string, incident?: string) {
  const dialog = page.getByTestId('op-dialog');
  await dialog.getByTestId('op-confirm-name').fill(service);
  await dialog.getByTestId('op-reason').fill(reason);
  if (incident) await dialog.getByTestId('op-incident').fill(incident);
}

/** The id of the operation whose page the dialog opened. */
export async function operationIdFromUrl(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/operations\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
}
