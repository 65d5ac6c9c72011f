// The guarded-action pipeline's entry points, one module per verb: submit (submit.ts), decide
// (decide.ts: approve, reject, cancel, continue), follow-up rollback (follow-up.ts); shared state in
// store.ts. Routes, the CLI and tests import them from here.
export { submitOperation, rollbackFromProposal, type SubmitInput, type SubmitResult } from './submit';
export { approveOperation, rejectOperation, cancelOperation, continueOperation } from './decide';
export { startFollowUpRollback, undoRequest } from './follow-up';
export { finish } from './store';
