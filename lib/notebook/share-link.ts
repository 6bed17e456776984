/**
 * The share link: a whole notebook file, deflated (CompressionStream) and
 * base64url-encoded in the URL fragment, so nothing reaches a server.
 */
import { parseNotebookFile, type ParseResult } from './file';
import type { NotebookFile } from './file-schema';

/** The fragment key: `#notebook=<base64url of deflated JSON>`. */
export const FRAGMENT_KEY = 'notebook';

/** Pictures bigger than this (base64 characters) are left out of links; captions stay. */
export const LINK_IMAGE_LIMIT = 6000;

export async function encodeShareFragment(file: NotebookFile): Promise<string> {
  const slim: NotebookFile = {
    ...file,
    cells: Object.fromEntries(
      Object.entries(file.cells).map(([id, c]) => [
        id,
        { ...c, outputs: c.outputs.map((o) => (o.kind === 'images' ? { ...o, items: o.items.map((it) => (it.src.length > LINK_IMAGE_LIMIT ? { ...it, src: '' } : it)) } : o)) },
      ]),
    ),
  };
  const bytes = await pipe(new TextEncoder().encode(JSON.stringify(slim)), new CompressionStream('deflate'));
  return `${FRAGMENT_KEY}=${toBase64Url(bytes)}`;
}

/** Reads a fragment (with or without `#`); null when it carries no notebook. */
export async function decodeShareFragment(fragment: string): Promise<ParseResult | null> {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const data = params.get(FRAGMENT_KEY);
  if (data === null) return null;
  let text: string;
  try {
    text = new TextDecoder().decode(await pipe(fromBase64Url(data), new DecompressionStream('deflate')));
  } catch (err) {
    return { ok: false, error: `invalid share link: the notebook in it is damaged or cut short (${(err as Error).message || (err as Error).name})` };
  }
  const r = parseNotebookFile(text);
  return r.ok ? r : { ok: false, error: r.error.replace(/^invalid notebook file/, 'invalid share link') };
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
