import { Menu, nativeImage, Notification, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { ProviderSummary } from '../../shared/provider';
import { assetPath } from './paths';
import { trayMenuModel, type OverallState, type TrayExtras, type TrayModel } from './tray-model';

export interface TrayActions {
  showWindow(): void;
  quit(): void;
  start(id: string): void;
  stop(id: string): void;
  startAll(): void;
  stopAll(): void;
  copyText(text: string): void;
}

export interface AppTray {
  /** Redraws icon, tooltip and menu from the providers' current summaries, the gateway's URL and the models it loaded. */
  update(summaries: readonly ProviderSummary[], extras?: TrayExtras): void;
  destroy(): void;
}

export function createTray(actions: TrayActions): AppTray {
  const images = new Map<OverallState, NativeImage>();
  const imageFor = (overall: OverallState) => {
    let image = images.get(overall);
    if (!image) {
      image = trayImage(overall);
      images.set(overall, image);
    }
    return image;
  };

  const tray = new Tray(imageFor('idle'));
  tray.setToolTip('Local LLM Manager');
  // Windows users expect a click to open the app; macOS and Linux open the menu instead.
  if (process.platform === 'win32') tray.on('click', () => actions.showWindow());

  let shown: OverallState = 'idle';
  const update = (summaries: readonly ProviderSummary[], extras: TrayExtras = {}) => {
    if (tray.isDestroyed()) return;
    const model = trayMenuModel(summaries, extras);
    if (model.overall !== shown) {
      tray.setImage(imageFor(model.overall));
      shown = model.overall;
    }
    tray.setToolTip(model.tooltip);
    // Linux only picks up menu changes through setContextMenu, so every update rebuilds the whole menu.
    const menu = Menu.buildFromTemplate(menuTemplate(model, actions));
    tray.setContextMenu(menu);
    // The Electron e2e suite reads and clicks the menu here: no Electron API lists a tray's menu.
    if (process.env.HELIX_LOCAL_LLM_E2E_HOOKS === '1') Object.assign(globalThis, { __localLlmTray: { tray, menu } });
  };
  update([]);

  return { update, destroy: () => tray.destroy() };
}

function menuTemplate(model: TrayModel, actions: TrayActions): MenuItemConstructorOptions[] {
  const providers: MenuItemConstructorOptions =
    model.providers.length > 0
      ? {
          label: 'Providers',
          submenu: model.providers.map((item) => ({
            label: item.label,
            submenu: [
              { label: 'Start', enabled: item.canStart, click: () => actions.start(item.id) },
              { label: 'Stop', enabled: item.canStop, click: () => actions.stop(item.id) },
            ],
          })),
        }
      : { label: 'Providers', enabled: false, sublabel: 'None installed' };
  return [
    { label: 'Open dashboard', click: () => actions.showWindow() },
    { type: 'separator' },
    providers,
    ...(model.loadedOnDemand.length > 0
      ? [{ label: 'Loaded on demand', enabled: false, sublabel: model.loadedOnDemand.join(', ') } satisfies MenuItemConstructorOptions]
      : []),
    { label: 'Start all', enabled: model.canStartAll, click: () => actions.startAll() },
    { label: 'Stop all', enabled: model.canStopAll, click: () => actions.stopAll() },
    { type: 'separator' },
    model.gatewayUrl
      ? { label: 'Copy endpoint URL', sublabel: model.gatewayUrl, click: () => actions.copyText(model.gatewayUrl!) }
      : { label: 'Endpoint off', enabled: false },
    { type: 'separator' },
    { label: 'Quit', click: () => actions.quit() },
  ];
}

/**
 * A tray action runs with no window to show its error in, so a failure becomes a system
 * notification (message and hint) and a line on stderr.
 */
export function notifyTrayProblem(title: string, message: string, hint?: string): void {
  console.error(`${title}: ${message}`);
  if (!Notification.isSupported()) return;
  new Notification({ title, body: hint ? `${message}\n${hint}` : message }).show();
}

function trayImage(overall: OverallState): NativeImage {
  // macOS recolours "Template" images for light and dark menu bars, so there the state is drawn as a
  // shape (dot, triangle, none) rather than a colour; @2x files are picked up by name.
  const isMac = process.platform === 'darwin';
  const name = isMac ? `trayTemplate-${overall}.png` : `tray-${overall}.png`;
  const image = nativeImage.createFromPath(assetPath(name));
  if (image.isEmpty()) console.error(`Tray icon ${name} not found under ${assetPath('')}.`);
  if (isMac) image.setTemplateImage(true);
  return image;
}
