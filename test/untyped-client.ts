/** A client seen without the contract's types, to send what a typed caller cannot: unknown names, bad payloads. */
export interface UntypedClient {
  invoke(method: string, params?: unknown): Promise<unknown>;
}

export function untyped(client: object): UntypedClient {
  return client as UntypedClient;
}
