/**
 * Margins that keep Plot's tick labels inside the SVG. Plot's defaults (40 px
 * left) clip long category names and wide numbers; these size the margin to
 * the longest label at Plot's 10 px sans-serif (about 6 px per character).
 */

/** Pixels per character of a 10 px sans-serif tick label (a little generous). */
const CHAR_PX = 6.2;

/** A left margin that fits every label (plus the tick and padding), at most `max` px. */
export function marginFor(labels: readonly string[], min = 40, max = 420): number {
  const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  return Math.round(Math.min(max, Math.max(min, longest * CHAR_PX + 16)));
}

/** Labels longer than `max` characters end in "…" (only beyond what marginFor's cap can show). */
export function fitLabel(label: string, max = 64): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** Tick labels Plot would print for numbers up to `maxValue` (its default format: grouped thousands). */
export function numericTickLabels(maxValue: number): string[] {
  return [maxValue.toLocaleString('en-US', { maximumFractionDigits: 2 })];
}
