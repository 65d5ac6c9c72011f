import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import { Field } from './field';
import type { KindInputsProps } from './props';

/** Switch traffic: which of the listener's two target groups gets 100 %. */
export function SwitchTrafficInputs({ context, inputs, messages, dispatch }: KindInputsProps) {
  return (
    <Field label="Send 100 % of the listener's traffic to" field="targetGroup" message={messages.targetGroup}>
      {(control) => (
        <select
          {...control}
          data-testid="op-target-group"
          value={inputs.targetGroup}
          onChange={(e) => dispatch({ type: 'input', field: 'targetGroup', value: e.target.value })}
          className={cn(controlClass, 'w-full font-mono')}
        >
          {context.targetGroups.map((g) => (
            <option key={g.arn} value={g.name}>
              {g.name} (now {g.weight} %)
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
