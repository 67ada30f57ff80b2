import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from './window-options';

describe('mainWindowOptions', () => {
  it('isolates the renderer: no Node, sandboxed, web security on, no webview, no middle-click windows', () => {
    const { webPreferences } = mainWindowOptions({ preloadPath: '/app/out/preload/index.cjs' });
    expect(webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      preload: '/app/out/preload/index.cjs',
    });
    expect(webPreferences).not.toHaveProperty('enableBlinkFeatures');
  });

  it('stays hidden until painted and takes the icon only when given', () => {
    expect(mainWindowOptions({ preloadPath: 'p' })).toMatchObject({ show: false });
    expect(mainWindowOptions({ preloadPath: 'p' })).not.toHaveProperty('icon');
    expect(mainWindowOptions({ preloadPath: 'p', iconPath: '/i.png' }).icon).toBe('/i.png');
  });
});
