import log from 'electron-log/main';
import type { AppLog, AppLogLevel } from '../services/logs/app-log';

/**
 * electron-log/main watches what only Electron sees — a renderer or GPU process gone, a page that
 * failed to load, a preload that threw, a window that stopped answering — and its lines go into the
 * one app log through AppLog (same file, same format, same rotation as `serve`). Uncaught errors in
 * this process are shutdown.ts's: it logs them with their stack and stops the providers.
 */
export function logElectronEvents(appLog: AppLog): void {
  log.transports.file.level = false; // AppLog owns the file
  log.transports.console.level = false;
  const toAppLog = Object.assign(
    (message: { level: string; data: unknown[] }) => {
      const level: AppLogLevel =
        message.level === 'error' || message.level === 'warn' || message.level === 'debug' ? message.level : 'info';
      appLog.write(level, message.data.map((part) => (typeof part === 'string' ? part : safeJson(part))).join(' '));
    },
    { level: 'info' as const, transforms: [] },
  );
  log.transports.appLog = toAppLog;
  log.eventLogger.startLogging({ level: 'error' });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
