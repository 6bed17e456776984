/**
 * The browser's side of saving: draw a chart to SVG markup, shrink a photo to
 * a thumbnail data URL, hash picked files, download a file, and keep the
 * autosave in IndexedDB.
 */
import * as Plot from '@observablehq/plot';
import { sha256Hex } from '@/lib/notebook/export';
import type { FileIdentity } from '@/lib/notebook/file-schema';
import type { SaveOutputOptions } from '@/lib/notebook/saved-output';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Plot options → the chart's SVG markup (the widest SVG when Plot wraps it in a figure with a legend). */
export function renderPlotSvg(plot: Record<string, unknown>): string | null {
  const el = Plot.plot({ width: 640, ...(plot as Plot.PlotOptions) }) as Element;
  const svgs = el instanceof SVGSVGElement ? [el] : [...el.querySelectorAll('svg')];
  const svg = svgs.sort((a, b) => Number(b.getAttribute('width') ?? 0) - Number(a.getAttribute('width') ?? 0))[0];
  if (!svg) return null;
  if (!svg.getAttribute('xmlns')) svg.setAttribute('xmlns', SVG_NS);
  return svg.outerHTML;
}

/** A picture as a JPEG data URL at most `width` pixels wide; null when it cannot be read. */
export async function thumbnail(src: string, width = 120): Promise<string | null> {
  const img = new Image();
  img.decoding = 'async';
  img.src = src;
  try {
    await img.decode();
  } catch {
    return null; // A picture that no longer loads (revoked URL): the caption is saved without it.
  }
  const scale = Math.min(1, width / (img.naturalWidth || width));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round((img.naturalWidth || width) * scale));
  canvas.height = Math.max(1, Math.round((img.naturalHeight || width) * scale));
  canvas.getContext('2d')?.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', 0.7);
}

/** The options a browser save uses. */
export const browserSaveOptions: SaveOutputOptions = { renderPlot: renderPlotSvg, thumbnail: (src) => thumbnail(src) };

/** Files up to this size are hashed whole; larger ones by their size, first and last HASH_SAMPLE bytes. */
export const FULL_HASH_BYTES = 512 * 1024 * 1024;
const HASH_SAMPLE = 16 * 1024 * 1024;

/** Name, size and SHA-256 of a picked file (`sha256-sampled:` for files over FULL_HASH_BYTES). */
export async function fileIdentity(file: File): Promise<FileIdentity> {
  if (file.size <= FULL_HASH_BYTES) return { name: file.name, size: file.size, sha256: await sha256Hex(await file.arrayBuffer()) };
  const head = new Uint8Array(await file.slice(0, HASH_SAMPLE).arrayBuffer());
  const tail = new Uint8Array(await file.slice(file.size - HASH_SAMPLE).arrayBuffer());
  const both = new Uint8Array(head.length + tail.length);
  both.set(head);
  both.set(tail, head.length);
  return { name: file.name, size: file.size, sha256: `sha256-sampled:${await sha256Hex(both)}` };
}

/** Offers text or bytes as a download. */
export function download(name: string, data: string | Uint8Array, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

const DB = 'atelier-notebook';
const STORE = 'autosave';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

/** Reads the autosaved notebook text (null when none). */
export async function readAutosave(): Promise<string | null> {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const req = db.transaction(STORE).objectStore(STORE).get('current');
      req.onsuccess = () => resolve(typeof req.result === 'string' ? req.result : null);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

/** Replaces the autosaved notebook text (null clears it). */
export async function writeAutosave(text: string | null): Promise<void> {
  const db = await openDb();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      if (text === null) tx.objectStore(STORE).delete('current');
      else tx.objectStore(STORE).put(text, 'current');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}
