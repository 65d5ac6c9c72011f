import { expect, type Page } from '@playwright/test';

export const ROLES = ['viewer', 'responder', 'operator', 'admin'] as const;
export type DemoRole = (typeof ROLES)[number];

/** The real OIDC flow: Codeflow's sign-in page → the sandbox issuer's login page → back. */
export async function signInAs(page: Page, role: DemoRole, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/signin/);
  await page.getByTestId('signin-button').click();
  await page.getByTestId(`sandbox-user-${role}`).click();
  await expect(page.getByTestId('current-user')).toHaveAttribute('data-role', role);
}
