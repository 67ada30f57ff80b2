import { z } from 'zod';
import { isAppError, toAppError, type AppError } from '../errors';
import type { ContractDef, OutputOf, ParsedInputOf, PayloadOf } from './define';
import { RequestFrameSchema, type EventFrame, type ResponseEnvelope, type ServerFrame } from './messages';
import { Subscriptions } from './subscriptions';
import { UnreadableFrame, type Transport } from './transport';

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
  /** Who asked for which keyed events (`emitTo`); shared with handlers that subscribe clients. */
  subscriptions?: Subscriptions;
}

/**
 * Who an event is for: everyone (undefined), or the connections this returns true for. A sink
 * serving several connections (Electron's windows) asks it once per connection.
 */
export type Audience = (connectionId: string) => boolean;

type EventSink = (frame: EventFrame, audience?: Audience) => void;

/**
 * Dispatches calls to handlers after validating them against the contract, and fans events out
 * to every connected client (`emit`) or to those subscribed to a topic's key (`emitTo`). Knows nothing about the wire: transports call `dispatch` (Electron)
 * or hand over a `Transport` (WebSocket, in-memory).
 */
export class RpcServer<C extends ContractDef> {
  private readonly sinks = new Set<EventSink>();
  readonly subscriptions: Subscriptions;

  constructor(
    private readonly contract: C,
    private readonly handlers: Handlers<C>,
    private readonly options: RpcServerOptions = {},
  ) {
    this.subscriptions = options.subscriptions ?? new Subscriptions();
  }

  async dispatch(method: unknown, params: unknown, ctx: CallContext): Promise<ResponseEnvelope> {
    // Own properties only: a method named "__proto__", "constructor" or "toString" must never
    // reach an Object.prototype member through the lookups below.
    if (typeof method !== 'string' || !Object.hasOwn(this.contract.requests, method) || !Object.hasOwn(this.handlers, method)) {
      return fail({
        code: 'UNKNOWN_METHOD',
        message: `Unknown method ${clip(JSON.stringify(method) ?? String(method), 220)}.`,
        hint: 'The client and the host may be different versions: reload the page or restart the app.',
      });
    }
    try {
      const def = this.contract.requests[method]!;
      const parsed = def.input.safeParse(params);
      if (!parsed.success) return badRequest(method, parsed.error);
      const handler = this.handlers[method as keyof C['requests']] as (input: unknown, ctx: CallContext) => unknown;
      return { ok: true, result: await handler(parsed.data, ctx) };
    } catch (thrown) {
      // A handler's failure, or a schema refinement that threw instead of reporting an issue:
      // either way the caller gets an answer and the host keeps serving.
      // Only an error our constructor made is the app's; anything else (an ErrnoException with its
      // own `code`, a plain object shaped like an AppError) is a bug: INTERNAL, reported with its stack.
      const error = toAppError(thrown);
      if (!isAppError(thrown) || error.code === 'INTERNAL') this.options.onUnexpectedError?.(method, thrown);
      return fail(error);
    }
  }

  /** Sends an event to every connected client. */
  emit<T extends keyof C['events'] & string>(topic: T, payload: PayloadOf<C['events'][T]>): void {
    this.send({ type: 'event', topic, payload });
  }

  /**
   * Sends an event only to the connections subscribed to `topic` with `key` (one provider's log
   * lines): a client receives what it shows, not everything the host produces.
   */
  emitTo<T extends keyof C['events'] & string>(topic: T, key: string, payload: PayloadOf<C['events'][T]>): void {
    if (!this.subscriptions.any(topic, key)) return;
    this.send({ type: 'event', topic, payload }, (connectionId) => this.subscriptions.has(connectionId, topic, key));
  }

  /** A connection ended (a window closed or reloaded): its subscriptions go with it. */
  closeConnection(connectionId: string): void {
    this.subscriptions.drop(connectionId);
  }

  private send(frame: EventFrame, audience?: Audience): void {
    for (const sink of this.sinks) {
      // One broken client must not keep the event from the others, nor throw into the emitter.
      try {
        sink(frame, audience);
      } catch (error) {
        this.options.onUnexpectedError?.(`event ${frame.topic}`, error);
      }
    }
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
    const removeSink = this.addEventSink((frame, audience) => {
      if (!audience || audience(ctx.connectionId)) send(frame);
    });
    const removeMessage = transport.onMessage((raw) => {
      const frame = RequestFrameSchema.safeParse(raw);
      if (!frame.success) {
        send({
          type: 'response',
          id: usableId(raw),
          ok: false,
          error: {
            code: 'BAD_MESSAGE',
            message: clip(`Malformed request frame: ${describeFrame(raw, frame.error)}`, MAX_MESSAGE_CHARS),
            hint: 'Send {"type":"request","id":<number>,"method":"<name>","params":{...}}.',
          },
        });
        return;
      }
      const { id, method, params } = frame.data;
      this.dispatch(method, params, ctx)
        .catch((thrown: unknown): ResponseEnvelope => {
          // dispatch answers everything itself; this is the last guard against an unhandled rejection.
          this.options.onUnexpectedError?.(method, thrown);
          return fail(toAppError(thrown));
        })
        .then((envelope) => send({ type: 'response', id, ...envelope }))
        .catch((thrown: unknown) => this.options.onUnexpectedError?.(method, thrown));
    });
    const detach = () => {
      this.closeConnection(ctx.connectionId);
      removeSink();
      removeMessage();
      removeClose();
    };
    const removeClose = transport.onClose(detach);
    return detach;
  }
}

/** Error text sent back is bounded: a megabyte of junk must not come back as a megabyte of message. */
const MAX_MESSAGE_CHARS = 2_000;
const MAX_DETAILS = 20;

function fail(error: AppError): ResponseEnvelope {
  return { ok: false, error };
}

function badRequest(method: string, error: z.ZodError): ResponseEnvelope {
  return fail({
    code: 'BAD_REQUEST',
    message: clip(`Invalid input for "${method}": ${z.prettifyError(error)}`, MAX_MESSAGE_CHARS),
    hint: 'Fix the fields named above and send the request again.',
    details: error.issues.slice(0, MAX_DETAILS).map((issue) => ({
      path: issue.path.slice(0, MAX_DETAILS).map((key) => clip(String(key), 100)),
      message: clip(issue.message, 300),
    })),
  });
}

/** What was wrong with a frame, without echoing it: a non-object is named by its type. */
function describeFrame(raw: unknown, error: z.ZodError): string {
  if (raw instanceof UnreadableFrame) return raw.reason;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return `expected a JSON object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`;
  }
  return z.prettifyError(error);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * The id to answer a malformed frame with: only one the client could have sent (a safe,
 * non-negative integer, as RequestFrameSchema demands), read as an own property; else null.
 */
export function usableId(raw: unknown): number | null {
  if (raw === null || typeof raw !== 'object' || !Object.hasOwn(raw, 'id')) return null;
  const id = (raw as { id: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}
