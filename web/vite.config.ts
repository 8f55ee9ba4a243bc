// Builds the web UI into dist/web, served by the API process (src/serve/static.ts); run as `vite build web`.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    // Relative to this folder (the Vite root).
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The polyfill would be an inline script, which the Content-Security-Policy refuses.
    modulePreload: { polyfill: false },
    // Inlined assets would become data: URLs; keep every asset a file from 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
});
