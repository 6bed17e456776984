'use client';
/** Renders a cell's typed parameters as a form; changes go to the runtime, which validates them. */
import { useState } from 'react';
import type { AnyParamValues, ParamSpecs } from '@/lib/notebook/types';
import { assertNever } from '@/lib/util/assert';

export function ParamForm({
  specs,
  values,
  disabled,
  onChange,
  cellId,
}: {
  specs: ParamSpecs;
  values: AnyParamValues;
  disabled: boolean;
  onChange: (v: Record<string, unknown>) => { ok: true } | { ok: false; errors: string[] };
  cellId: string;
}) {
  const [errors, setErrors] = useState<string[]>([]);
  // New values from outside (a notebook opened, a reload restored): the old validation errors no longer apply.
  const [shown, setShown] = useState(values);
  if (shown !== values) {
    setShown(values);
    setErrors([]);
  }
  const change = (name: string, value: unknown) => {
    const r = onChange({ [name]: value });
    setErrors(r.ok ? [] : r.errors);
  };
  return (
    <form className="params" onSubmit={(e) => e.preventDefault()} data-testid={`params-${cellId}`}>
      {Object.entries(specs).map(([name, spec]) => {
        const id = `${cellId}-${name}`;
        const v = values[name];
        switch (spec.kind) {
          case 'number':
            return (
              <label key={name} title={spec.help}>
                {spec.label}
                <input
                  key={String(v)}
                  id={id}
                  name={name}
                  type="number"
                  defaultValue={String(v)}
                  min={spec.min}
                  max={spec.max}
                  step={spec.step ?? (spec.integer ? 1 : 'any')}
                  disabled={disabled}
                  style={{ width: 110 }}
                  onBlur={(e) => change(name, e.target.value)}
                  onKeyDown={(e) => e.key === 'Enter' && change(name, (e.target as HTMLInputElement).value)}
                />
              </label>
            );
          case 'select':
            return (
              <label key={name} title={spec.help}>
                {spec.label}
                <select id={id} name={name} value={String(v)} disabled={disabled} onChange={(e) => change(name, e.target.value)}>
                  {spec.options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </label>
            );
          case 'text':
            return (
              <label key={name} title={spec.help} style={spec.multiline ? { flexBasis: '100%' } : undefined}>
                {spec.label}
                {spec.multiline ? (
                  <textarea key={String(v)} id={id} name={name} rows={5} defaultValue={String(v)} disabled={disabled} onBlur={(e) => change(name, e.target.value)} />
                ) : (
                  <input key={String(v)} id={id} name={name} type="text" defaultValue={String(v)} disabled={disabled} onBlur={(e) => change(name, e.target.value)} />
                )}
              </label>
            );
          case 'boolean':
            return (
              <label key={name} className="check" title={spec.help}>
                <input id={id} name={name} type="checkbox" checked={Boolean(v)} disabled={disabled} onChange={(e) => change(name, e.target.checked)} />
                {spec.label}
              </label>
            );
          default:
            return assertNever(spec, 'parameter kind');
        }
      })}
      {errors.map((e) => (
        <div key={e} className="param-error" role="alert">
          {e}
        </div>
      ))}
    </form>
  );
}
