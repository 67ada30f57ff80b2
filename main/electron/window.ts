import { BrowserWindow } from 'electron';
import { assetPath, preloadPath } from './paths';
import type { RendererLocation } from './trust';
import { mainWindowOptions } from './window-options';

/** The dashboard window. Hidden until its first paint, so it never flashes empty. */
export function createMainWindow(renderer: RendererLocation): BrowserWindow {
  // macOS takes the icon from the app bundle; elsewhere this is what the taskbar shows in development.
  const win = new BrowserWindow(
    mainWindowOptions({ preloadPath, iconPath: process.platform === 'darwin' ? undefined : assetPath('icon.png') }),
  );
  win.once('ready-to-show', () => win.show());

  const url = renderer.devUrl?.href ?? renderer.appUrl.href;
  win.loadURL(url).catch((error: unknown) => {
    console.error(`Could not load ${url}:`, error);
    win.show(); // an empty window the user can close beats an invisible process
  });
  return win;
}
