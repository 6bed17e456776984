// Peak memory of processes, sampled from /proc: the browser's processes are
// the descendants of this Node process (Playwright launches Chromium as a child).
import { readdirSync, readFileSync } from 'node:fs';

function children() {
  const parent = new Map();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(p), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) if (!mine.has(pid) && mine.has(ppid)) (mine.add(pid), (grew = true));
  }
  mine.delete(process.pid);
  return [...mine];
}

function rss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Samples the summed RSS of this process's descendants whose command line
 * matches `match` (default: Chromium's processes) every `ms` until stop();
 * returns the peak in bytes.
 */
export function sampleChildrenRss({ ms = 200, match = /chrom/ } = {}) {
  let peak = 0;
  const tick = () => {
    const total = children().filter((p) => match.test(cmdline(p))).reduce((s, p) => s + rss(p), 0);
    peak = Math.max(peak, total);
  };
  tick();
  const timer = setInterval(tick, ms);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
}
