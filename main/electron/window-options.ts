import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  preloadPath: string;
  /** Omitted on macOS, which takes the icon from the app bundle. */
  iconPath?: string;
}

/**
 * The dashboard window's options, pure so the security-relevant ones are tested without Electron
 * (docs/security.md points here for checklist items 2-4, 6, 8-10).
 */
export function mainWindowOptions({ preloadPath, iconPath }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Local LLM Manager',
    width: 1280,
    height: 820,
    minWidth: 860,
    minHeight: 560,
    show: false,
    backgroundColor: '#0e1116', // the renderer's --bg: no white frame before the first paint
    autoHideMenuBar: true,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // A middle click on a link would otherwise open it in a new Electron window (electronegativity AUXCLICK).
      disableBlinkFeatures: 'Auxclick',
      preload: preloadPath,
    },
  };
}
