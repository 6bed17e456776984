// @ts-check
const path = require('node:path');

/**
 * COOP/COEP make the page cross-origin isolated, which SharedArrayBuffer needs:
 * the TF.js WASM backend uses it for threads. Every asset is same-origin, so
 * `require-corp` costs nothing.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  // Server actions carry the graph's and the embeddings' write batches: 8 MB a call (Next.js' default is
  // 1 MB) lets the Image embeddings cell write SIMILAR and 1,792-d embeddings in a few hundred rows a call
  // instead of 40 (measured: the same writes about a third faster).
  experimental: { serverActions: { bodySizeLimit: '8mb' } },
  turbopack: { root: path.resolve(__dirname) },
  outputFileTracingRoot: path.resolve(__dirname),
  serverExternalPackages: ['neo4j-driver'],
  // `npm test` type-checks the whole project (tsc --noEmit, tests and benches
  // included) as its first stage; the build does not repeat that work.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
          { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
