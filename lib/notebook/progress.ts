/**
 * Progress with throughput and ETA. The runtime feeds raw done/total counts
 * through a tracker, which smooths the rate over a sliding window so the ETA
 * does not jump around on bursty work.
 */

/** A progress snapshot as the UI shows it. */
export interface Progress {
  label: string;
  done: number;
  total: number;
  unit: string;
  /** Units per second over the recent window; null until two samples exist. */
  rate: number | null;
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: number | null;
  /** Seconds since the tracker started. */
  elapsedSeconds: number;
}

/** Tracks one progress stream; `now` is injectable for tests (ms). */
export class ProgressTracker {
  private samples: { t: number; done: number }[] = [];
  private readonly start: number;
  private label = '';

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = 5000,
  ) {
    this.start = now();
  }

  /** Records a sample and returns the snapshot to display. */
  update(update: { label: string; done: number; total: number; unit?: string }): Progress {
    const t = this.now();
    if (update.label !== this.label) {
      // A new phase: its rate has nothing to do with the previous phase's.
      this.samples = [];
      this.label = update.label;
    }
    this.samples.push({ t, done: update.done });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const dt = (t - first.t) / 1000;
    const rate = this.samples.length >= 2 && dt > 0 ? (update.done - first.done) / dt : null;
    const left = Math.max(0, update.total - update.done);
    const etaSeconds = rate !== null && rate > 0 ? left / rate : left === 0 ? 0 : null;
    return {
      label: update.label,
      done: update.done,
      total: update.total,
      unit: update.unit ?? 'items',
      rate,
      etaSeconds,
      elapsedSeconds: (t - this.start) / 1000,
    };
  }
}

/** "1.2k items/s · ETA 0:42" style text for a snapshot. */
export function formatProgress(p: Progress): string {
  const pct = p.total > 0 ? ` (${Math.floor((100 * p.done) / p.total)}%)` : '';
  const parts = [`${p.label}: ${formatCount(p.done)} / ${formatCount(p.total)} ${p.unit}${pct}`];
  if (p.rate !== null) parts.push(`${formatCount(p.rate)} ${p.unit}/s`);
  if (p.etaSeconds !== null && p.done < p.total) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' · ');
}

/** Compact count: 950, 12.3k, 4.1M. */
export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(a >= 100 ? 0 : a >= 1 ? 1 : 2);
}

/** m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
