import { z } from 'zod';
import { toAppError, type AppError } from '../errors';
import type { ContractDef, OutputOf, ParsedInputOf, PayloadOf } from './define';
import { RequestFrameSchema, type EventFrame, type ResponseEnvelope, type ServerFrame } from './messages';
import type { Transport } from './transport';

/** Who is calling: lets handlers and logs tell IPC from WebSocket clients. */
export interface CallContext {
  via: 'ipc' | 'ws' | 'memory';
  /** A stable id for the connection, for per-client state such as subscriptions. */
  connectionId: string;
}

export type Handlers<C extends ContractDef> = {
  [K in keyof C['requests']]: (
    input: ParsedInputOf<C['requests'][K]>,
    ctx: CallContext,
  ) => Promise<OutputOf<C['requests'][K]>> | OutputOf<C['requests'][K]>;
};

export interface RpcServerOptions {
  /** Called for errors that were not AppFailures: bugs, to be logged with their stack. */
  onUnexpectedError?: (method: string, error: unknown) => void;
}

type EventSink = (frame: EventFrame) => void;

/**
 * Dispatches calls to handlers after validating them against the contract, and fans events out
 * to every connected client. Knows nothing about the wire: transports call `dispatch` (Electron)
 * or hand over a `Transport` (WebSocket, in-memory).
 */
export class RpcServer<C extends ContractDef> {
  private readonly sinks = new Set<EventSink>();

  constructor(
    private readonly contract: C,
    private readonly handlers: Handlers<C>,
    private readonly options: RpcServerOptions = {},
  ) {}

  async dispatch(method: unknown, params: unknown, ctx: CallContext): Promise<ResponseEnvelope> {
    if (typeof method !== 'string' || !Object.hasOwn(this.contract.requests, method)) {
      return fail({
        code: 'UNKNOWN_METHOD',
        message: `Unknown method ${JSON.stringify(method)}.`,
        hint: 'The client and the host may be different versions: reload the page or restart the app.',
      });
    }
    const def = this.contract.requests[method]!;
    const parsed = def.input.safeParse(params);
    if (!parsed.success) {
      return fail({
        code: 'BAD_REQUEST',
        message: `Invalid input for "${method}": ${z.prettifyError(parsed.error)}`,
        hint: 'Fix the fields named above and send the request again.',
        details: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
      });
    }
    const handler = this.handlers[method as keyof C['requests']] as (input: unknown, ctx: CallContext) => unknown;
    try {
      return { ok: true, result: await handler(parsed.data, ctx) };
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.code === 'INTERNAL') this.options.onUnexpectedError?.(method, thrown);
      return fail(error);
    }
  }

  emit<T extends keyof C['events'] & string>(topic: T, payload: PayloadOf<C['events'][T]>): void {
    const frame: EventFrame = { type: 'event', topic, payload };
    for (const sink of this.sinks) sink(frame);
  }

  addEventSink(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** Serves one client over a message transport until it closes; returns a detach function. */
  connect(transport: Transport, ctx: CallContext): () => void {
    const send = (frame: ServerFrame) => {
      try {
        transport.send(frame);
      } catch {
        // The client went away mid-reply; its close handler detaches it.
      }
    };
    const removeSink = this.addEventSink(send);
    const removeMessage = transport.onMessage((raw) => {
      const frame = RequestFrameSchema.safeParse(raw);
      if (!frame.success) {
        send({
          type: 'response',
          id: idOf(raw),
          ok: false,
          error: {
            code: 'BAD_MESSAGE',
            message: `Malformed request frame: ${z.prettifyError(frame.error)}`,
            hint: 'Send {"type":"request","id":<number>,"method":"<name>","params":{...}}.',
          },
        });
        return;
      }
      void this.dispatch(frame.data.method, frame.data.params, ctx).then((envelope) =>
        send({ type: 'response', id: frame.data.id, ...envelope }),
      );
    });
    const detach = () => {
      removeSink();
      removeMessage();
      removeClose();
    };
    const removeClose = transport.onClose(detach);
    return detach;
  }
}

function fail(error: AppError): ResponseEnvelope {
  return { ok: false, error };
}

function idOf(raw: unknown): number | null {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isInteger(id) ? id : null;
}
