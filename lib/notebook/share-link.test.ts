import { describe, expect, it } from 'vitest';
import { migrateV1 } from './file';
import { metricsCsv, metricsJson, recommendationsCsv, sha256Hex } from './export';
import { reportHtml } from './report';
import { decodeShareFragment, encodeShareFragment, LINK_IMAGE_LIMIT } from './share-link';
import type { NotebookFile } from './file-schema';

function sample(): NotebookFile {
  const base = migrateV1({ format: 'atelier-notebook', version: 1, savedAt: '2026-11-30T10:00:00.000Z', seed: 5, dataset: null, cells: {} });
  return {
    ...base,
    dataset: { kind: 'demo', name: 'Demo (tiny, seed 5)', fingerprint: 'abc', preset: 'tiny', seed: 5 },
    cells: {
      als: {
        params: { factors: 64 },
        status: 'done',
        finishedAt: '2026-11-30T10:00:00.000Z',
        summary: { map_at_12: 0.0123, seconds_per_iteration: 0.2 },
        outputs: [
          { kind: 'metrics', title: 'Training', values: [{ name: 'final loss', value: 12.5 }] },
          { kind: 'chart', title: 'Loss', svg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>', data: [{ i: 1 }] },
          { kind: 'images', items: [{ src: 'data:image/svg+xml,' + 'x'.repeat(LINK_IMAGE_LIMIT + 1), caption: 'big' }, { src: 'data:image/svg+xml,<svg/>', caption: 'a <b>"x"</b>' }] },
          { kind: 'markdown', text: '**Bold** and `code`\n\n- one\n- two' },
        ],
        error: null,
      },
      towers: { params: {}, status: 'idle', finishedAt: null, summary: null, outputs: [], error: null },
    },
    recommendations: [{ cell: 'als', title: 't', customers: [{ customer: 'c,1', items: ['0100', '0200'] }] }],
  };
}

describe('share link', () => {
  it('round-trips a notebook through the URL fragment, leaving big pictures out', async () => {
    const frag = await encodeShareFragment(sample());
    expect(frag).toMatch(/^notebook=[A-Za-z0-9_-]+$/);
    const r = await decodeShareFragment(`#${frag}`);
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    const items = (r.file.cells.als.outputs[2] as { items: { src: string }[] }).items;
    expect(items.map((i) => i.src.length > 0)).toEqual([false, true]);
    expect(r.file.cells.als.summary).toEqual({ map_at_12: 0.0123, seconds_per_iteration: 0.2 });
  });

  it('says when a link is damaged, and ignores fragments without a notebook', async () => {
    const frag = await encodeShareFragment(sample());
    expect(await decodeShareFragment('#section-2')).toBeNull();
    expect(await decodeShareFragment(`#${frag.slice(0, frag.length - 40)}`)).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid share link: the notebook in it is damaged or cut short/) });
    expect(await decodeShareFragment('#notebook=%%%')).toMatchObject({ ok: false });
  });
});

describe('exports', () => {
  it('metrics JSON and CSV name every figure of every cell that ran', () => {
    const json = metricsJson(sample());
    expect(Object.keys(json.cells)).toEqual(['als']);
    expect(json.cells.als.figures).toEqual({ map_at_12: 0.0123, seconds_per_iteration: 0.2, 'Training: final loss': 12.5 });
    expect(metricsCsv(sample()).split('\n')).toEqual(['cell,figure,value', 'als,map_at_12,0.0123', 'als,seconds_per_iteration,0.2', 'als,Training: final loss,12.5', '']);
    expect(recommendationsCsv(sample())).toBe('source,customer,rank,item\nals,"c,1",1,0100\nals,"c,1",2,0200\n');
  });

  it('sha256Hex is SHA-256', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('the report is one HTML file without script or remote resources, every output escaped', () => {
    const html = reportHtml(sample(), [{ id: 'als', title: 'Collaborative filtering (ALS)' }]);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('Collaborative filtering (ALS)');
    expect(html).toContain('<b>Bold</b> and <code>code</code>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('a &lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(html).toMatch(/<img class="chart" alt="Loss" src="data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(html).toContain('data-testid="report-output-als-3"');
    expect(html).toContain('Not run.');
  });
});
