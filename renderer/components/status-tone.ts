import type { ProviderStatus } from '../../shared/provider';

/** Colour families; the status-badge styles map each to a colour (and `busy` to a pulse). */
export type StatusTone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle' | 'muted' | 'info';

export const STATUS_TONE: Record<ProviderStatus, StatusTone> = {
  running: 'ok',
  starting: 'busy',
  stopping: 'busy',
  installing: 'busy',
  unhealthy: 'warn',
  failed: 'bad',
  stopped: 'idle',
  installed: 'idle',
  'not-installed': 'muted',
  external: 'info',
};

export const STATUS_LABEL: Record<ProviderStatus, string> = {
  running: 'Running',
  starting: 'Starting…',
  stopping: 'Stopping…',
  installing: 'Installing…',
  unhealthy: 'Unhealthy',
  failed: 'Failed',
  stopped: 'Stopped',
  installed: 'Installed',
  'not-installed': 'Not installed',
  external: 'External',
};
