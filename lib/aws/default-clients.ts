import { getConfig } from '../config';
import { createAwsClients, type AwsClients } from './client';
import { QuotaBudget } from './quota-budget';

let memo: AwsClients | undefined;

/** Process-wide clients built from `getConfig()`; the CLI can call `createAwsClients` directly. */
export function getAwsClients(): AwsClients {
  if (!memo) {
    const config = getConfig();
    const { budgetPct, ...aws } = config.aws;
    memo = createAwsClients({ region: config.region, endpoint: config.endpoint, ...aws, budget: new QuotaBudget(budgetPct) });
  }
  return memo;
}
