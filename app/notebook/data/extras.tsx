'use client';
/**
 * Extra controls a cell shows under its parameter form, by cell id: things
 * that cannot be parameters (the Data cell's file and folder choosers).
 */
import type { ComponentType } from 'react';
import { DataFilesPicker } from './DataFilesPicker';

export const CELL_EXTRAS: Readonly<Record<string, ComponentType<{ disabled: boolean; onChanged?: () => void }>>> = {
  data: DataFilesPicker,
};
