import type { z } from 'zod';

/**
 * A request: its input schema (checked at the host before any service sees the payload)
 * and, as a phantom type, its output.
 */
export interface RequestDef<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I;
  readonly description: string;
  readonly __output?: O;
}

/** An event topic; the payload type is phantom (the host is the only producer). */
export interface EventDef<P = unknown> {
  readonly description: string;
  readonly __payload?: P;
}

export type RequestMap = Record<string, RequestDef>;
export type EventMap = Record<string, EventDef>;

export interface ContractDef<R extends RequestMap = RequestMap, E extends EventMap = EventMap> {
  requests: R;
  events: E;
}

export type InputOf<D> = D extends RequestDef<infer I, unknown> ? z.input<I> : never;
export type ParsedInputOf<D> = D extends RequestDef<infer I, unknown> ? z.output<I> : never;
export type OutputOf<D> = D extends RequestDef<z.ZodType, infer O> ? O : never;
export type PayloadOf<D> = D extends EventDef<infer P> ? P : never;

/** `request<Output>()(inputSchema, description)`: curried so the output can be named while the input is inferred. */
export function request<O>() {
  return <I extends z.ZodType>(input: I, description: string): RequestDef<I, O> => ({ input, description });
}

export function event<P>(description: string): EventDef<P> {
  return { description };
}

/**
 * What both ends of the contract look like to their users: the preload bridge, the WebSocket
 * client and the in-memory client all implement it.
 */
export interface ContractClient<C extends ContractDef> {
  invoke<K extends keyof C['requests'] & string>(
    method: K,
    ...params: undefined extends InputOf<C['requests'][K]> ? [params?: InputOf<C['requests'][K]>] : [params: InputOf<C['requests'][K]>]
  ): Promise<OutputOf<C['requests'][K]>>;
  on<T extends keyof C['events'] & string>(topic: T, listener: (payload: PayloadOf<C['events'][T]>) => void): () => void;
}
