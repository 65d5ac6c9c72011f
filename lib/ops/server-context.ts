import { getAwsClients, getAwsWriteClients } from '../aws/default-clients';
import { getConfig } from '../config';
import { getDb } from '../db/client';
import { awsClock, type OpsContext } from './context';

/** The server process's pipeline context: its database, every configured place's clients, the policy and AWS's clock. */
export async function serverOpsContext(): Promise<OpsContext> {
  const config = getConfig();
  return {
    db: await getDb(),
    aws: getAwsClients(),
    policy: config.policy,
    awsNow: awsClock(config.awsClockUrl, config.sandbox),
    notify: config.incidents,
    places: { all: config.places, read: (place) => getAwsClients(place), write: (place, person) => getAwsWriteClients(place, person) },
  };
}
