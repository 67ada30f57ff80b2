/** Every react-query key in the app, so events and hooks agree on where data lives. */
export const queryKeys = {
  appInfo: ['app', 'info'] as const,
  systemInfo: ['system', 'info'] as const,
  settings: ['settings'] as const,
};
