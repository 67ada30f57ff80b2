/** Every react-query key in the app, so events and hooks agree on where data lives. */
export const queryKeys = {
  appInfo: ['app', 'info'] as const,
  systemInfo: ['system', 'info'] as const,
  systemCheck: ['system', 'check'] as const,
  settings: ['settings'] as const,
  providers: ['providers', 'list'] as const,
  provider: (id: string) => ['providers', 'detail', id] as const,
  /** Every cached detail, for patching them all from one event. */
  providerDetails: ['providers', 'detail'] as const,
  logSearch: (id: string, query: string, regex: boolean, caseSensitive: boolean) =>
    ['logs', 'search', id, query, regex, caseSensitive] as const,
  models: ['models', 'list'] as const,
  downloads: ['downloads', 'list'] as const,
  hubStarters: ['hub', 'starters'] as const,
  hubSearch: (query: string, sort: string) => ['hub', 'search', query, sort] as const,
  hubFiles: (repo: string) => ['hub', 'files', repo] as const,
  installs: ['install', 'runs'] as const,
  gateway: ['gateway', 'status'] as const,
  gatewayStats: ['gateway', 'stats'] as const,
  discovery: ['discovery', 'results'] as const,
  keys: ['keys', 'status'] as const,
  chats: ['chats', 'list'] as const,
  chatSearch: (query: string) => ['chats', 'search', query] as const,
  /** Every cached search, refetched when a conversation changes. */
  chatSearches: ['chats', 'search'] as const,
  alerts: ['alerts', 'active'] as const,
  resourceHistory: (range: string) => ['resources', 'history', range] as const,
};
