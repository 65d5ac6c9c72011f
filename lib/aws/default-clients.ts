import { getConfig } from '../config';
import { createAwsClients, type AwsClients } from './client';

let memo: AwsClients | undefined;

/** Process-wide clients built from `getConfig()`; the CLI can call `createAwsClients` directly. */
export function getAwsClients(): AwsClients {
  if (!memo) {
    const config = getConfig();
    memo = createAwsClients({ region: config.region, endpoint: config.endpoint, ...config.aws });
  }
  return memo;
}
