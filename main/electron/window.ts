import { BrowserWindow } from 'electron';
import { assetPath, preloadPath } from './paths';
import type { RendererLocation } from './trust';

/** The dashboard window. Hidden until its first paint, so it never flashes empty. */
export function createMainWindow(renderer: RendererLocation): BrowserWindow {
  const win = new BrowserWindow({
    title: 'Local LLM Manager',
    width: 1280,
    height: 820,
    minWidth: 860,
    minHeight: 560,
    show: false,
    backgroundColor: '#0e1116', // the renderer's --bg: no white frame before the first paint
    autoHideMenuBar: true,
    // macOS takes the icon from the app bundle; elsewhere this is what the taskbar shows in development.
    ...(process.platform === 'darwin' ? {} : { icon: assetPath('icon.png') }),
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: preloadPath,
    },
  });
  win.once('ready-to-show', () => win.show());

  const url = renderer.devUrl?.href ?? renderer.fileUrl.href;
  win.loadURL(url).catch((error: unknown) => {
    console.error(`Could not load ${url}:`, error);
    win.show(); // an empty window the user can close beats an invisible process
  });
  return win;
}
