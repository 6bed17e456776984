import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress, ProgressTracker } from './progress';

describe('progress', () => {
  it('derives rate and ETA from samples', () => {
    let t = 0;
    const tr = new ProgressTracker(() => t);
    const first = tr.update({ label: 'embed', done: 0, total: 100, unit: 'images' });
    expect(first.rate).toBeNull();
    t = 2000;
    const p = tr.update({ label: 'embed', done: 20, total: 100, unit: 'images' });
    expect(p.rate).toBeCloseTo(10, 9);
    expect(p.etaSeconds).toBeCloseTo(8, 9);
    expect(formatProgress(p)).toBe('embed: 20 / 100 images (20%) · 10 images/s · ETA 0:08');
  });
  it('restarts the rate on a new phase', () => {
    let t = 0;
    const tr = new ProgressTracker(() => t);
    tr.update({ label: 'a', done: 0, total: 10 });
    t = 1000;
    tr.update({ label: 'a', done: 10, total: 10 });
    t = 2000;
    expect(tr.update({ label: 'b', done: 0, total: 5 }).rate).toBeNull();
  });
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
