import type { Transport } from './transport';

/**
 * Two connected in-memory transports. Delivery is asynchronous and every frame is JSON-cloned,
 * so a test over this pair sees what a real wire would do to the payloads.
 */
export function createMemoryPair(): [Transport, Transport] {
  type Side = { messages: Set<(frame: unknown) => void>; closes: Set<(reason: string) => void>; closed: boolean };
  const sides: [Side, Side] = [
    { messages: new Set(), closes: new Set(), closed: false },
    { messages: new Set(), closes: new Set(), closed: false },
  ];

  const make = (self: Side, peer: Side): Transport => ({
    send(frame) {
      if (self.closed) throw new Error('transport is closed');
      const copy = JSON.parse(JSON.stringify(frame)) as unknown;
      queueMicrotask(() => {
        if (!peer.closed) for (const listener of peer.messages) listener(copy);
      });
    },
    onMessage(listener) {
      self.messages.add(listener);
      return () => self.messages.delete(listener);
    },
    onClose(listener) {
      self.closes.add(listener);
      return () => self.closes.delete(listener);
    },
    close() {
      for (const side of sides) {
        if (side.closed) continue;
        side.closed = true;
        queueMicrotask(() => side.closes.forEach((listener) => listener('closed')));
      }
    },
  });

  return [make(sides[0], sides[1]), make(sides[1], sides[0])];
}
