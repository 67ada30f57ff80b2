import { app } from 'electron';
import type { SettingsService } from '../services/settings/settings';

/**
 * Keeps the OS's login item in step with Settings → Launch at login (macOS and Windows; Electron
 * has no login items on Linux, where the setting does nothing yet). Only packaged builds register:
 * a development run would register the bare Electron binary.
 */
export function syncLaunchAtLogin(settings: SettingsService): void {
  if (!app.isPackaged || process.platform === 'linux') return;
  let applied: boolean | undefined;
  const apply = () => {
    const wanted = settings.values.launchAtLogin;
    if (wanted === applied) return;
    applied = wanted;
    // Started at login, the app opens to the tray, not a window (see the 'openAsHidden' check at start).
    app.setLoginItemSettings({ openAtLogin: wanted, ...(process.platform === 'win32' ? { args: ['--hidden'] } : {}) });
  };
  apply();
  settings.on('changed', apply);
}

/** Whether this start came from the login item: then the window stays closed and the app waits in the tray. */
export function startedAtLogin(): boolean {
  if (process.platform === 'win32') return process.argv.includes('--hidden');
  if (process.platform === 'darwin') return app.getLoginItemSettings().wasOpenedAtLogin;
  return false;
}
