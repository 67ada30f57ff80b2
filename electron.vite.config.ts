import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/** React's hot reload injects an inline script under the dev server; production keeps the strict CSP. */
function devCspAllowsHotReload(): Plugin {
  return {
    name: 'dev-csp-allows-hot-reload',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
  };
}

// One build for three targets. `main` has the Electron shell (index), the plain-Node CLI / headless
// host (cli), the engine and the Node API (node-api), which share every service.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/electron/index.ts'),
          cli: resolve(__dirname, 'main/cli.ts'),
          engine: resolve(__dirname, 'main/engine/index.ts'),
          // The package's Node API (`import { LocalLLMManager } from 'local-llm-manager'`); no Electron in it.
          'node-api': resolve(__dirname, 'main/node-api/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot be an ES module.
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), devCspAllowsHotReload()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
