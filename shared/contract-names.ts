/**
 * The contract's names without its schemas, for the preload script: a sandboxed preload cannot
 * load zod. `contract.ts` fails to compile if these drift from the contract.
 */
export const REQUEST_NAMES = [
  'app.info',
  'system.info',
  'settings.get',
  'settings.update',
  'providers.list',
  'providers.get',
  'providers.start',
  'providers.stop',
  'providers.restart',
  'providers.startAll',
  'providers.stopAll',
  'logs.tail',
  'logs.search',
  'models.list',
  'models.delete',
  'downloads.list',
  'downloads.start',
  'downloads.cancel',
  'downloads.resume',
  'downloads.remove',
] as const;
export const EVENT_TOPICS = ['settings.changed', 'providers.state', 'logs.lines', 'downloads.progress'] as const;
