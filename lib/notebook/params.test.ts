import { describe, expect, it } from 'vitest';
import { defaultParams, validateParams } from './params';
import type { ParamSpecs } from './types';

const specs: ParamSpecs = {
  factors: { kind: 'number', label: 'Factors', default: 64, min: 1, max: 512, integer: true },
  solver: { kind: 'select', label: 'Solver', default: 'cg', options: [{ value: 'cg', label: 'CG' }, { value: 'exact', label: 'exact' }] },
  note: { kind: 'text', label: 'Note', default: '' },
  filter: { kind: 'boolean', label: 'Filter', default: true },
};

describe('parameters', () => {
  it('has defaults', () => {
    expect(defaultParams(specs)).toEqual({ factors: 64, solver: 'cg', note: '', filter: true });
  });
  it('coerces form strings', () => {
    expect(validateParams(specs, { factors: '32', filter: 'false' })).toEqual({ ok: true, values: { factors: 32, solver: 'cg', note: '', filter: false } });
  });
  it('names the field and the bad value', () => {
    const r = validateParams(specs, { factors: 2.5, solver: 'lu', extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContain('invalid Factors (factors): 2.5; expected a whole number');
    expect(r.errors).toContain('invalid Solver (solver): "lu"; expected one of cg, exact');
    expect(r.errors.some((e) => e.startsWith('invalid parameter name: extra'))).toBe(true);
    expect(validateParams(specs, { factors: 0 })).toMatchObject({ ok: false, errors: ['invalid Factors (factors): 0; expected a number ≥ 1'] });
    expect(validateParams(specs, { factors: 'abc' })).toMatchObject({ ok: false });
  });
});
