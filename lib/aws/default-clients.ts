import { getConfig } from '../config';
import { createAwsClients, type AwsClients } from './client';
import { QuotaBudget } from './quota-budget';

// On globalThis, as the fleet feed is: Next may evaluate this module once per route bundle, and two
// copies would each spend the whole AWS budget (and each hold their own connections).
const KEY = Symbol.for('codeflow.awsClients');
type Holder = { [KEY]?: AwsClients };

/** Process-wide clients built from `getConfig()`; the CLI can call `createAwsClients` directly. */
export function getAwsClients(): AwsClients {
  const holder = globalThis as Holder;
  holder[KEY] ??= createDefaultClients();
  return holder[KEY];
}

function createDefaultClients(): AwsClients {
  const config = getConfig();
  const { budgetPct, ...aws } = config.aws;
  return createAwsClients({ region: config.region, endpoint: config.endpoint, ...aws, budget: new QuotaBudget(budgetPct) });
}
