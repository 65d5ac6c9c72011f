import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { Field } from './field';
import type { KindInputsProps } from './props';

/** Scale: the desired count, checked as typed against the policy's limit. */
export function ScaleInputs({ context, inputs, messages, dispatch, planButton }: KindInputsProps) {
  return (
    <div className="flex items-start gap-2">
      <Field label={`Desired tasks (now ${context.desiredCount})`} field="desiredCount" message={messages.desiredCount}>
        {(control) => (
          <input
            {...control}
            autoFocus
            data-testid="op-count-input"
            inputMode="numeric"
            autoComplete="off"
            value={inputs.desiredCount}
            onChange={(e) => dispatch({ type: 'input', field: 'desiredCount', value: e.target.value })}
            className={cn(controlClass, 'w-28 tabular-nums', messages.desiredCount && 'border-down-border')}
          />
        )}
      </Field>
      {planButton && <div className="pt-5">{planButton}</div>}
    </div>
  );
}
