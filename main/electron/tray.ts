import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { assetPath } from './paths';

export interface TrayActions {
  showWindow(): void;
  quit(): void;
}

export interface AppTray {
  /** Rebuilds the menu; `items` go between "Open dashboard" and "Quit" (per-provider entries). */
  updateTrayMenu(items?: MenuItemConstructorOptions[]): void;
  destroy(): void;
}

export function createTray(actions: TrayActions): AppTray {
  const tray = new Tray(trayImage());
  tray.setToolTip('Local LLM Manager');
  // Windows users expect a click to open the app; macOS and Linux open the menu instead.
  if (process.platform === 'win32') tray.on('click', () => actions.showWindow());

  // Linux only picks up menu changes through setContextMenu, so every update rebuilds the whole menu.
  const updateTrayMenu = (items: MenuItemConstructorOptions[] = []) => {
    const template: MenuItemConstructorOptions[] = [
      { label: 'Open dashboard', click: () => actions.showWindow() },
      { type: 'separator' },
      ...(items.length > 0 ? [...items, { type: 'separator' } as const] : []),
      { label: 'Quit', click: () => actions.quit() },
    ];
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };
  updateTrayMenu();

  return { updateTrayMenu, destroy: () => tray.destroy() };
}

function trayImage(): NativeImage {
  // macOS recolours "Template" images for light and dark menu bars; @2x files are picked up by name.
  const isMac = process.platform === 'darwin';
  const image = nativeImage.createFromPath(assetPath(isMac ? 'trayTemplate.png' : 'tray.png'));
  if (image.isEmpty()) console.error(`Tray icon not found under ${assetPath('')}.`);
  if (isMac) image.setTemplateImage(true);
  return image;
}
