import { AppFailure, isAppError, type AppError } from '../errors';
import type { ContractClient, ContractDef, InputOf, OutputOf, PayloadOf } from './define';
import { ServerFrameSchema, type ResponseEnvelope } from './messages';
import type { Transport } from './transport';

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: AppFailure) => void;
  timer?: ReturnType<typeof setTimeout>;
}

export interface RpcClientOptions {
  /** A call with no answer after this long fails with TIMEOUT. 0 waits forever. */
  timeoutMs?: number;
  /** An event listener threw; the other listeners still run. Defaults to console.error. */
  onListenerError?: (topic: string, error: unknown) => void;
}

/** Turns a response envelope into a value or a thrown AppFailure (shared with the Electron bridge). */
export function unwrap<T>(envelope: ResponseEnvelope<T>): T {
  if (envelope.ok) return envelope.result;
  throw new AppFailure(envelope.error);
}

/**
 * The calling end of the contract over any Transport. A lost connection fails every pending
 * call with DISCONNECTED at once instead of leaving it hanging; the transport may come back.
 */
export class RpcClient<C extends ContractDef> implements ContractClient<C> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly detach: Array<() => void>;

  constructor(
    private readonly transport: Transport,
    private readonly options: RpcClientOptions = {},
  ) {
    this.detach = [
      transport.onMessage((raw) => this.receive(raw)),
      transport.onClose((reason) =>
        this.failAll({
          code: 'DISCONNECTED',
          message: `Lost the connection to the host (${reason}).`,
          hint: 'Check that the host is still running; the app reconnects by itself.',
        }),
      ),
    ];
  }

  invoke<K extends keyof C['requests'] & string>(
    method: K,
    ...args: undefined extends InputOf<C['requests'][K]> ? [params?: InputOf<C['requests'][K]>] : [params: InputOf<C['requests'][K]>]
  ): Promise<OutputOf<C['requests'][K]>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = { method, resolve: resolve as (value: unknown) => void, reject };
      const timeoutMs = this.options.timeoutMs ?? 30_000;
      if (timeoutMs > 0) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(
            new AppFailure({
              code: 'TIMEOUT',
              message: `"${method}" got no answer within ${timeoutMs} ms.`,
              hint: 'The host may be busy or stuck; check its log.',
            }),
          );
        }, timeoutMs);
      }
      this.pending.set(id, entry);
      try {
        this.transport.send({ type: 'request', id, method, params: args[0] });
      } catch (refusal) {
        // A transport that knows why it cannot send (a session the host no longer takes) says so.
        this.settle(id, {
          ok: false,
          error: isAppError(refusal)
            ? { code: refusal.code, message: `${refusal.message} "${method}" was not sent.`, hint: refusal.hint }
            : {
                code: 'DISCONNECTED',
                message: `Not connected to the host; "${method}" was not sent.`,
                hint: 'Wait for the connection indicator to turn green, then try again.',
              },
        });
      }
    });
  }

  on<T extends keyof C['events'] & string>(topic: T, listener: (payload: PayloadOf<C['events'][T]>) => void): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener as (payload: unknown) => void);
    return () => set.delete(listener as (payload: unknown) => void);
  }

  close(): void {
    this.detach.forEach((off) => off());
    this.failAll({ code: 'DISCONNECTED', message: 'The client was closed.' });
    this.transport.close();
  }

  private receive(raw: unknown): void {
    const parsed = ServerFrameSchema.safeParse(raw);
    if (!parsed.success) return; // Not ours to answer: a host never sends these on purpose.
    const frame = parsed.data;
    if (frame.type === 'event') {
      for (const listener of this.listeners.get(frame.topic) ?? []) {
        // A listener's bug must not starve the other listeners or throw into the transport.
        try {
          listener(frame.payload);
        } catch (error) {
          (this.options.onListenerError ?? ((topic, e) => console.error(`Listener for "${topic}" failed:`, e)))(frame.topic, error);
        }
      }
      return;
    }
    if (frame.id === null) return;
    this.settle(
      frame.id,
      frame.ok
        ? { ok: true, result: frame.result }
        : {
            ok: false,
            error: (frame.error as AppError | undefined) ?? { code: 'INTERNAL', message: 'The host sent an error without detail.' },
          },
    );
  }

  private settle(id: number, envelope: ResponseEnvelope): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    try {
      entry.resolve(unwrap(envelope));
    } catch (error) {
      entry.reject(error as AppFailure);
    }
  }

  private failAll(error: ConstructorParameters<typeof AppFailure>[0]): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error });
  }
}
