import type { ReactNode } from 'react';
import { controlClass } from '@/components/ui/controls';
import { cn } from '@/components/ui/cn';
import type { ServiceActionContext } from '../action-dialog-state';
import { imageTag } from '../format';
import { Field } from './field';
import type { KindInputsProps } from './props';

/** Deploy: the image (and container, where there are several), rolling or blue/green by listener switch. */
export function DeployInputs({ context, inputs, messages, dispatch, planButton }: KindInputsProps) {
  const current = context.containers.find((c) => c.name === inputs.container) ?? context.containers[0];
  // Blue/green by listener switch is offered where the listener forwards to two target groups and
  // ECS's native blue/green is not in use (actionContextOf; the server refuses it there too).
  const switchable = context.targetGroups.length === 2;
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-start gap-2">
        {context.containers.length > 1 && (
          <Field label="Container" field="container" message={messages.container}>
            {(control) => (
              <select
                {...control}
                data-testid="op-container"
                value={inputs.container}
                onChange={(e) => dispatch({ type: 'input', field: 'container', value: e.target.value })}
                className={controlClass}
              >
                {context.containers.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <div className="min-w-0 flex-1">
          <Field label="Image tag, digest or full reference" field="image" message={messages.image}>
            {(control) => (
              <input
                {...control}
                autoFocus
                data-testid="op-image-input"
                autoComplete="off"
                spellCheck={false}
                placeholder={current ? `e.g. v1.5.0 (now ${imageTag(current.image)})` : 'v1.5.0'}
                value={inputs.image}
                onChange={(e) => dispatch({ type: 'input', field: 'image', value: e.target.value })}
                className={cn(controlClass, 'w-full font-mono', messages.image && 'border-down-border')}
              />
            )}
          </Field>
        </div>
        {planButton && <div className="pt-5">{planButton}</div>}
      </div>
      {current && (
        <p className="break-all text-xs text-fg-subtle">
          Now running <span className="font-mono text-fg-muted">{current.image}</span>. A tag or digest alone keeps this repository.
        </p>
      )}
      {switchable && <StrategyChoice context={context} trafficSwitch={inputs.trafficSwitch} setTrafficSwitch={(value) => dispatch({ type: 'input', field: 'trafficSwitch', value })} />}
      {switchable && messages.trafficSwitch && (
        <p data-testid="op-input-error" data-field="trafficSwitch" className="text-xs text-down-fg">
          {messages.trafficSwitch}
        </p>
      )}
    </div>
  );
}

/** Rolling in place, or blue/green by listener switch (deploy to the idle group, switch once healthy). */
function StrategyChoice({ context, trafficSwitch, setTrafficSwitch }: { context: ServiceActionContext; trafficSwitch: boolean; setTrafficSwitch: (v: boolean) => void }) {
  const live = context.targetGroups.find((g) => g.weight > 0) ?? context.targetGroups[0];
  const idle = context.targetGroups.find((g) => g !== live);
  const option = (value: boolean, title: string, detail: ReactNode, testId: string) => (
    <label
      className={cn(
        'flex min-w-0 flex-1 cursor-pointer items-start gap-2 rounded-md border px-3 py-2 text-[12px]',
        trafficSwitch === value ? 'border-accent bg-accent/5' : 'border-border hover:bg-surface-2',
      )}
    >
      <input type="radio" name="deploy-strategy" data-testid={testId} checked={trafficSwitch === value} onChange={() => setTrafficSwitch(value)} className="mt-0.5" />
      <span className="min-w-0">
        <span className="block font-medium text-fg">{title}</span>
        <span className="block text-fg-muted">{detail}</span>
      </span>
    </label>
  );
  return (
    <fieldset className="flex flex-col gap-1">
      <legend className="mb-1 text-xs text-fg-muted">Strategy</legend>
      <div className="flex flex-col gap-2 sm:flex-row">
        {option(false, 'Rolling', 'ECS replaces the tasks in place, behind the same target group.', 'op-strategy-rolling')}
        {option(
          true,
          'Blue/green via listener switch',
          <>
            Deploy to the idle group <span className="font-mono">{idle?.name ?? '(idle)'}</span>, switch the listener from <span className="font-mono">{live?.name ?? '(live)'}</span> once its targets are healthy; back on failure.
          </>,
          'op-strategy-listener-switch',
        )}
      </div>
    </fieldset>
  );
}
