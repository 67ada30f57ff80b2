import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { APP_INDEX_URL } from './app-protocol';
import type { RendererLocation } from './trust';

// Resolved from this bundle's own location (out/main/index.js), so they hold in development, in an
// unpacked build and inside app.asar alike. Only the Electron entry imports this file, so the
// bundler keeps it in out/main/index.js rather than a shared chunk one folder down.
const HERE = import.meta.url;

export const preloadPath = fileURLToPath(new URL('../preload/index.cjs', HERE));

/** The built renderer folder: served on app://local/ (protocol.ts) and to the CLI's control endpoint. */
export const rendererDir = fileURLToPath(new URL('../renderer', HERE));

export function rendererLocation(): RendererLocation {
  return { appUrl: new URL(APP_INDEX_URL), devUrl: devServerUrl() };
}

/** electron-vite's dev server. Ignored in packaged builds: an environment variable must not be able to pick the page we trust. */
function devServerUrl(): URL | undefined {
  const raw = process.env.ELECTRON_RENDERER_URL;
  if (app.isPackaged || !raw) return undefined;
  try {
    return new URL(raw);
  } catch {
    console.error(`Ignoring ELECTRON_RENDERER_URL=${JSON.stringify(raw)}: not a URL.`);
    return undefined;
  }
}

/** Icons ship as extraResources (beside app.asar) in packaged builds, so the OS can read them too. */
export function assetPath(name: string): string {
  return app.isPackaged ? path.join(process.resourcesPath, 'assets', name) : fileURLToPath(new URL(`../../assets/${name}`, HERE));
}
