// Python peers live in bench/.venv (gitignored), installed from PyPI on first
// use. They belong to benchmarks only, never to the app.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { root } from './report.mjs';

const venv = path.join(root, 'bench', '.venv');
const python = path.join(venv, 'bin', 'python');

/**
 * Creates the venv if needed and installs `packages` (pip requirement strings)
 * that are missing. Returns the venv's python path. Serialised with a lock
 * file so two benchmarks do not install at once.
 */
export async function ensureVenv(packages) {
  const lock = path.join(root, 'bench', '.venv.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      if (i > 1800) throw new Error(`ensureVenv: ${lock} held for 30 minutes; delete it if no install is running`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    if (!existsSync(python)) {
      console.error(`bench: creating ${path.relative(root, venv)}`);
      execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    }
    const missing = packages.filter((req) => {
      const name = req.split(/[<>=!~\[ ]/)[0];
      try {
        execFileSync(python, ['-m', 'pip', 'show', '-q', name], { stdio: 'ignore' });
        return false;
      } catch {
        return true;
      }
    });
    if (missing.length) {
      console.error(`bench: pip install ${missing.join(' ')}`);
      execFileSync(python, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', ...missing], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
  } finally {
    unlinkSync(lock);
  }
  return python;
}

/** Runs a Python script with JSON on stdin; returns its last stdout line parsed as JSON. */
export function runPython(pythonPath, script, input, { env = {} } = {}) {
  const out = execFileSync(pythonPath, ['-c', script], {
    input: JSON.stringify(input ?? null),
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', 'inherit'],
  }).toString();
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
