import type { AwsClients } from '../aws/client';
import { describeTaskDefinition } from '../aws/ecs';
import type { TaskDefinition } from '../aws/types';
import { Lru } from '../cache/lru';
import { createSingleFlight } from '../cache/single-flight';

export interface TaskDefinitionCache {
  get(aws: AwsClients, arn: string): Promise<TaskDefinition>;
  /** The revision if already described, without asking AWS. */
  peek(arn: string): TaskDefinition | undefined;
}

/**
 * A revision never changes once registered, so a described one is kept until evicted: steady-state
 * refreshes make no DescribeTaskDefinition calls. Bounded, because revisions only ever grow.
 */
export function createTaskDefinitionCache(maxEntries = 5000): TaskDefinitionCache {
  const lru = new Lru<string, TaskDefinition>(maxEntries);
  const flight = createSingleFlight();
  return {
    peek: (arn) => lru.get(arn),
    async get(aws, arn) {
      const hit = lru.get(arn);
      if (hit) return hit;
      return flight(arn, async () => {
        const td = await describeTaskDefinition(aws, arn);
        lru.set(arn, td);
        return td;
      });
    },
  };
}
