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
  turbopack: { root: path.resolve(__dirname) },
  outputFileTracingRoot: path.resolve(__dirname),
  serverExternalPackages: ['neo4j-driver'],
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
