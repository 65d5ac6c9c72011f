import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { imageTag, revisionName } from '../format';
import { Field } from './field';
import type { KindInputsProps } from './props';

/** Rollback: the revisions the first plan found, the previous completed one preselected. */
export function RollbackInputs({ inputs, messages, dispatch, candidates, planning }: KindInputsProps) {
  return (
    <Field label="Roll back to" field="revision" message={messages.revision}>
      {(control) =>
        candidates.length === 0 ? (
          <p id={control.id} className="text-[13px] text-fg-subtle">
            {planning ? 'Reading the revisions kept for this service…' : 'No earlier revision is kept.'}
          </p>
        ) : (
          <select
            {...control}
            data-testid="op-revision-select"
            value={inputs.revision ?? ''}
            onChange={(e) => dispatch({ type: 'input', field: 'revision', value: e.target.value })}
            className={cn(controlClass, 'w-full font-mono')}
          >
            {candidates.map((c) => (
              <option key={c.arn} value={c.arn}>
                {revisionName(c.arn)} · {imageTag(c.image)}
                {c.preselected ? ' · previous completed' : ''}
                {c.registeredAt ? ` · registered ${c.registeredAt.slice(0, 10)}` : ''}
              </option>
            ))}
          </select>
        )
      }
    </Field>
  );
}
