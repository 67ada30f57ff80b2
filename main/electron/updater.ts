import { existsSync } from 'node:fs';
import path from 'node:path';
import { app } from 'electron';
// electron-updater is CommonJS: its named exports are getters Node's ESM loader cannot see.
import electronUpdater from 'electron-updater';
import type { AppLog } from '../services/logs/app-log';

const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * Updates from GitHub releases (electron-builder's publish config): checks at start and every six
 * hours, downloads in the background, tells the user with a notification, installs on quit.
 * Off in development and in builds made without a publish configuration, which have no
 * resources/app-update.yml; off for a deb install too, which the system's package manager updates.
 */
export function startAutoUpdates(log: AppLog): void {
  if (!app.isPackaged) return;
  if (!existsSync(path.join(process.resourcesPath, 'app-update.yml'))) return;
  if (process.platform === 'linux' && !process.env.APPIMAGE) return;
  const { autoUpdater } = electronUpdater;
  autoUpdater.logger = null; // its own chatter; what matters is logged below
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('error', (error) => log.write('warn', 'Update check failed', error));
  autoUpdater.on('update-downloaded', (info) => log.write('info', `Update ${info.version} downloaded; it installs when the app quits`));
  const check = () => autoUpdater.checkForUpdatesAndNotify().catch((error: unknown) => log.write('warn', 'Update check failed', error));
  void check();
  setInterval(() => void check(), CHECK_EVERY_MS).unref();
}
