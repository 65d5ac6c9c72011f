import { test as setup } from '@playwright/test';
import { e2eEnv } from './env';
import { ROLES, signInAs } from './sign-in';

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, role);
    await context.storageState({ path: e2eEnv.storageState(role) });
    await context.close();
  });
}
