/**
 * Parameter defaults and validation. Messages follow one pattern:
 * `invalid <label> (<name>): <value>; expected <what>`.
 */
import type { AnyParamValues, ParamSpec, ParamSpecs } from './types';
import { assertNever } from '../util/assert';

/** The default values of every parameter. */
export function defaultParams(specs: ParamSpecs): AnyParamValues {
  const out: AnyParamValues = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.default;
  return out;
}

export type ParamCheck = { ok: true; values: AnyParamValues } | { ok: false; errors: string[] };

/** Coerces form input (strings from inputs are accepted) and checks ranges and options. */
export function validateParams(specs: ParamSpecs, input: Record<string, unknown>): ParamCheck {
  const values: AnyParamValues = {};
  const errors: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const raw = name in input ? input[name] : spec.default;
    const r = checkOne(name, spec, raw);
    if (typeof r === 'string') errors.push(r);
    else values[name] = r.value;
  }
  for (const name of Object.keys(input)) {
    if (!(name in specs)) errors.push(`invalid parameter name: ${name}; expected one of ${Object.keys(specs).join(', ') || '(none)'}`);
  }
  return errors.length ? { ok: false, errors } : { ok: true, values };
}

function checkOne(name: string, spec: ParamSpec, raw: unknown): { value: number | string | boolean } | string {
  const bad = (expected: string) => `invalid ${spec.label} (${name}): ${JSON.stringify(raw)}; expected ${expected}`;
  switch (spec.kind) {
    case 'number': {
      const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad('a number');
      if (spec.integer && !Number.isInteger(v)) return bad('a whole number');
      if (spec.min !== undefined && v < spec.min) return bad(`a number ≥ ${spec.min}`);
      if (spec.max !== undefined && v > spec.max) return bad(`a number ≤ ${spec.max}`);
      return { value: v };
    }
    case 'select': {
      const allowed = spec.options.map((o) => o.value);
      if (typeof raw !== 'string' || !allowed.includes(raw)) return bad(`one of ${allowed.join(', ')}`);
      return { value: raw };
    }
    case 'text':
      if (typeof raw !== 'string') return bad('text');
      return { value: raw };
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      return bad('true or false');
    }
    default:
      return assertNever(spec, 'parameter kind');
  }
}
