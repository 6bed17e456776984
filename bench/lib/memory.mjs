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

/**
 * Where the browser's memory is, now: per Chromium process (its --type, RSS) and, per process, its
 * anonymous mappings over `minMiB` of RSS with their reserved size (a WebAssembly memory is a
 * reservation of 8 GiB or more; V8's heap cage is 4 GiB; ArrayBuffers and malloc are smaller arenas).
 */
export function chromiumBreakdown({ match = /chrom/, minMiB = 32 } = {}) {
  return children()
    .filter((p) => match.test(cmdline(p)))
    .map((pid) => {
      const type = /--type=([\w-]+)/.exec(cmdline(pid).replace(/\0/g, ' '))?.[1] ?? 'browser';
      const maps = [];
      let smaps = '';
      try {
        smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
      } catch {
        // the process ended while we looked
      }
      let cur = null;
      for (const line of smaps.split('\n')) {
        const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
        if (head) {
          cur = { size: Number(BigInt(`0x${head[2]}`) - BigInt(`0x${head[1]}`)), name: head[3] || '[anon]', rss: 0 };
          maps.push(cur);
        } else if (cur && line.startsWith('Rss:')) cur.rss = Number(/(\d+)/.exec(line)[1]) * 1024;
      }
      const big = maps.filter((m) => m.rss >= minMiB * 2 ** 20).sort((a, b) => b.rss - a.rss);
      return { pid, type, rss: rss(pid), big: big.map((m) => ({ name: m.name, reservedGiB: Number((m.size / 2 ** 30).toFixed(2)), rssMiB: Math.round(m.rss / 2 ** 20) })) };
    });
}
