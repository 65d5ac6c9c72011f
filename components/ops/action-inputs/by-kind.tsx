import type { ReactNode } from 'react';
import type { OperationKind } from '@/lib/ops/types';
import { DeployInputs } from './deploy';
import type { KindInputsProps } from './props';
import { RestartInputs } from './restart';
import { RollbackInputs } from './rollback';
import { ScaleInputs } from './scale';
import { SwitchTrafficInputs } from './switch-traffic';
import { AlarmsInputs } from './alarms';

/** One small input component per operation kind; a new kind does not compile until it has one. */
export const INPUTS_BY_KIND: Record<OperationKind, (props: KindInputsProps) => ReactNode> = {
  deploy: DeployInputs,
  rollback: RollbackInputs,
  scale: ScaleInputs,
  restart: RestartInputs,
  'switch-traffic': SwitchTrafficInputs,
  alarms: AlarmsInputs,
};

export type { KindInputsProps };
