import type { ReactNode } from 'react';
import type { Plan } from '@/lib/ops/types';
import type { ActionInputs, DialogAction, DialogField, ServiceActionContext } from '../action-dialog-state';

/** What every kind's inputs get from the dialog. */
export interface KindInputsProps {
  context: ServiceActionContext;
  inputs: ActionInputs;
  /** The current message for each field (client-side check or the server's), shown beside it. */
  messages: Partial<Record<DialogField, string>>;
  dispatch: (action: Extract<DialogAction, { type: 'input' }>) => void;
  /** The "Review plan" button, for the kinds whose input is typed first (placed beside that input). */
  planButton: ReactNode;
  /** rollback: the revisions the plans offered. */
  candidates: NonNullable<Plan['rollbackCandidates']>;
  planning: boolean;
}
