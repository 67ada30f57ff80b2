import path from 'node:path';
import { app, BrowserWindow, clipboard, dialog, ipcMain, session, shell } from 'electron';
import { toAppError } from '../../shared/errors';
import type { ProviderState } from '../../shared/provider';
import { runningModels } from '../../shared/on-demand';
import { openControlEndpoint, type ControlEndpoint } from '../control-endpoint';
import { createHost, type Host } from '../host';
import { diagnosticsFileName } from '../services/diagnostics/create-diagnostics';
import { adoptSystemProxy } from '../services/os/system-proxy';
import { installShutdown, type Shutdown } from '../shutdown';
import { bindIpc } from '../transports/electron';
import { showAlertsAsNotifications } from './alert-notifications';
import { logElectronEvents } from './electron-events-log';
import { installAppMenu } from './app-menu';
import { rendererDir, rendererLocation } from './paths';
import { registerAppScheme, serveRenderer } from './protocol';
import { applyDevServerCsp, hardenWebContents } from './security';
import { createTray, notifyTrayProblem, type AppTray } from './tray';
import { isOwnRendererUrl } from './trust';
import { keychainCipher } from './secret-cipher';
import { utilityProcessLauncher } from './node-launcher';
import { startedAtLogin, syncLaunchAtLogin } from './login-item';
import { startAutoUpdates } from './updater';
import { createMainWindow } from './window';

// The desktop shell: lifecycle, one window, the tray. Everything else is the host's business.

if (process.platform === 'win32') app.setAppUserModelId('dev.helixcode.local-llm-manager');

registerAppScheme(); // before 'ready': Chromium fixes a scheme's privileges at start

if (!app.requestSingleInstanceLock()) {
  app.quit(); // another instance owns the providers; it shows its window (see 'second-instance')
} else {
  runDesktopApp();
}

function runDesktopApp(): void {
  const renderer = rendererLocation();
  const isOwnUrl = (url: string | undefined) => isOwnRendererUrl(url, renderer);
  let host: Host | undefined;
  let mainWindow: BrowserWindow | undefined;
  let tray: AppTray | undefined;
  let quitting = false; // lets the window close for real instead of hiding to the tray
  let shutdown: Shutdown | undefined;
  let stopped = false;
  let trayRefresh: ReturnType<typeof setTimeout> | undefined;

  const openWindow = () => {
    if (!host) return; // not started yet: the window opens when it is
    if (!mainWindow || mainWindow.isDestroyed()) {
      mainWindow = createMainWindow(renderer); // shows itself once painted
      mainWindow.on('close', (event) => {
        // Read live: the user can flip the setting while the app runs.
        if (quitting || !tray || !host?.settings.values.closeToTray) return;
        event.preventDefault();
        mainWindow?.hide();
      });
    } else {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
    }
  };

  app.on('second-instance', openWindow);
  app.on('activate', openWindow); // macOS: dock icon clicked
  app.on('window-all-closed', () => app.quit()); // the window only closes (not hides) when we mean to quit

  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped || !host || !shutdown) return;
    // Electron does not wait for async work here, so hold the quit until the host has stopped;
    // tray Quit, the window, the menu and signals all end in the same shutdown.
    event.preventDefault();
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.hide();
    void shutdown.request('the app is quitting');
  });

  app
    .whenReady()
    .then(async () => {
      hardenWebContents(isOwnUrl);
      serveRenderer(rendererDir);
      if (renderer.devUrl) applyDevServerCsp(renderer.devUrl);
      installAppMenu(!app.isPackaged, { saveDiagnostics: () => void saveDiagnostics(host, mainWindow) });

      let control: ControlEndpoint | undefined;
      try {
        // Before anything fetches: a desktop app's environment lacks the system's proxy.
        const systemProxy = adoptSystemProxy(
          process.env,
          await session.defaultSession.resolveProxy('https://huggingface.co/').catch(() => 'DIRECT'),
        );
        host = await createHost({ mode: 'desktop', secretCipher: keychainCipher(), nodeLauncher: utilityProcessLauncher });
        const owned = host;
        logElectronEvents(owned.appLog);
        if (systemProxy) owned.appLog.write('info', `using the system's proxy ${systemProxy} for downloads and installs`);
        shutdown = installShutdown({
          log: owned.appLog,
          stop: async () => {
            await control?.close();
            await owned.close();
            clearTimeout(trayRefresh);
            tray?.destroy();
            tray = undefined;
          },
          hurry: () => owned.hurry(),
          killNow: () => owned.killAllNow(),
          deadlineMs: () => (owned.settings.values.stopGraceSec + 30) * 1000,
          exit: (code) => {
            stopped = true;
            app.exit(code);
          },
        });
        // The CLI finds and drives this app the way it drives `serve`: a loopback endpoint behind a token.
        control = await openControlEndpoint(owned, rendererDir, 'desktop');
      } catch (error) {
        return failToStart(error);
      }
      bindIpc({
        ipcMain,
        rpc: host.rpc,
        isTrustedSender: isOwnUrl,
        getTargets: () =>
          BrowserWindow.getAllWindows()
            .map((w) => w.webContents)
            .filter((contents) => isOwnUrl(contents.getURL())),
      });
      const { manager } = host;
      const nameOf = (id: string) => manager.list().find((p) => p.id === id)?.name ?? id;
      // Tray actions have no window to answer in: a thrown error, or a provider that ends up
      // failed (start resolves with the failed state), becomes a notification. A failure is
      // already announced by the provider alert unless the user muted those.
      const fromTray = (title: string, work: () => Promise<ProviderState | ProviderState[]>) => {
        work().then(
          (result) => {
            if (!host?.settings.values.mutedAlerts.includes('provider')) return;
            for (const state of [result].flat()) {
              if (state.status !== 'failed') continue;
              notifyTrayProblem(`${nameOf(state.id)} failed`, state.lastError?.message ?? state.reason, state.lastError?.hint);
            }
          },
          (error: unknown) => {
            const { message, hint } = toAppError(error);
            notifyTrayProblem(title, message, hint);
          },
        );
      };
      try {
        tray = createTray({
          showWindow: openWindow,
          quit: () => app.quit(),
          start: (id) => fromTray(`Could not start ${nameOf(id)}`, () => manager.start(id)),
          stop: (id) => fromTray(`Could not stop ${nameOf(id)}`, () => manager.stop(id)),
          startAll: () => fromTray('Could not start all providers', () => manager.startAll()),
          stopAll: () => fromTray('Could not stop all providers', () => manager.stopAll()),
          copyText: (text) => void clipboard.writeText(text),
        });
        const redrawTray = () =>
          tray?.update(manager.list(), {
            gatewayUrl: host?.gateway.status().url,
            loadedOnDemand: runningModels(host?.onDemand.status().models).map((m) => m.id),
          });
        redrawTray();
        host.gateway.on('changed', redrawTray);
        host.onDemand.on('changed', redrawTray);
        // State events come in bursts (start all, a flapping health check): redraw at most every
        // 200 ms, from a fresh snapshot, and always after the last event of a burst.
        manager.on('state', () => {
          trayRefresh ??= setTimeout(() => {
            trayRefresh = undefined;
            redrawTray();
          }, 200);
        });
      } catch (error) {
        // Without a tray the app still works; closing the window then quits (see the close handler).
        console.error('Could not create the tray icon:', error);
      }
      showAlertsAsNotifications(host.alerts, openWindow);
      syncLaunchAtLogin(host.settings);
      startAutoUpdates(host.appLog);
      // Started by the login item: wait in the tray (a window only if there is no tray to wait in).
      if (!tray || !startedAtLogin()) openWindow();
    })
    .catch(failToStart);
}

/** Help → Save diagnostics…: asks where, writes the archive there, shows it in the file manager. */
async function saveDiagnostics(host: Host | undefined, parent: BrowserWindow | undefined): Promise<void> {
  if (!host) return;
  const options = {
    title: 'Save diagnostics',
    defaultPath: path.join(app.getPath('downloads'), diagnosticsFileName(new Date())),
    filters: [{ name: 'Diagnostics archive', extensions: ['gz'] }],
  };
  const window = parent && !parent.isDestroyed() ? parent : undefined;
  const { canceled, filePath } = await (window ? dialog.showSaveDialog(window, options) : dialog.showSaveDialog(options));
  if (canceled || !filePath) return;
  try {
    await host.diagnostics.create({ file: filePath });
    shell.showItemInFolder(filePath);
  } catch (error) {
    const { message, hint } = toAppError(error);
    dialog.showErrorBox('No diagnostics saved', hint ? `${message}\n\n${hint}` : message);
  }
}

function failToStart(error: unknown): void {
  console.error('Local LLM Manager could not start:', error);
  const { message, hint } = toAppError(error);
  dialog.showErrorBox('Local LLM Manager could not start', hint ? `${message}\n\n${hint}` : message);
  app.exit(1); // not quit(): there is nothing to shut down, and before-quit must not wait on a host
}
