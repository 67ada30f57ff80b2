import type { CallContext } from '../../../shared/rpc/server';
import { toAppError } from '../../../shared/errors';
import type { AppLog } from './app-log';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (input: any, ctx: CallContext) => unknown;

/**
 * At the `debug` level, one app-log line per request: method, who asked (transport, connection),
 * how long it took and how it ended. Parameters are never written: they may hold an API key
 * (keys.set) or a whole uploaded archive. At other levels the handlers run as they are.
 */
export function withRequestLog<H extends Record<string, Handler>>(handlers: H, log: AppLog): H {
  const wrapped: Record<string, Handler> = {};
  for (const [method, handler] of Object.entries(handlers)) {
    wrapped[method] = async (input, ctx) => {
      if (!log.enabled('debug')) return handler(input, ctx);
      const started = performance.now();
      const took = () => `${(performance.now() - started).toFixed(1)} ms`;
      try {
        const result = await handler(input, ctx);
        log.write('debug', `request ${method} from ${ctx.via} ${ctx.connectionId}: ok in ${took()}`);
        return result;
      } catch (error) {
        const { code, message } = toAppError(error);
        log.write('debug', `request ${method} from ${ctx.via} ${ctx.connectionId}: ${code} in ${took()}: ${message}`);
        throw error;
      }
    };
  }
  return wrapped as H;
}
