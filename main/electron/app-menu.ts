import { Menu, type MenuItemConstructorOptions } from 'electron';

/**
 * macOS needs an Edit menu for copy and paste to work in text fields at all; elsewhere the bar is
 * hidden (autoHideMenuBar) and the menu mostly carries shortcuts. Developer tools only in development.
 */
export function installAppMenu(isDevelopment: boolean, help: { saveDiagnostics: () => void }): void {
  const template: MenuItemConstructorOptions[] = [
    process.platform === 'darwin' ? { role: 'appMenu' } : { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(isDevelopment ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    // For a bug report: one archive with the app log, provider log tails, settings without secrets, the system check.
    { role: 'help', submenu: [{ label: 'Save diagnostics…', click: help.saveDiagnostics }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
