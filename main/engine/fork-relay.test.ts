import childProcess, { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { forkThroughMainProcess, type ForkRelayMessage } from './fork-relay';

const originalFork = childProcess.fork;
afterEach(() => {
  childProcess.fork = originalFork;
  syncBuiltinESMExports();
});

/** A utility process's parentPort: messages to the main process are recorded, replies come as { data }. */
function fakeParentPort() {
  const incoming = new EventEmitter();
  const sent: ForkRelayMessage[] = [];
  return {
    sent,
    reply: (message: ForkRelayMessage) => incoming.emit('message', { data: message }),
    port: {
      on: (event: 'message', listener: (event: { data: unknown }) => void) => void incoming.on(event, listener),
      postMessage: (message: ForkRelayMessage) => void sent.push(message),
    },
  };
}

describe("the engine's fork relay (node-llama-cpp's binary check in the desktop app)", () => {
  it('asks the main process to fork, through the name node-llama-cpp imported, and relays messages and the exit', () => {
    const { port, sent, reply } = fakeParentPort();
    forkThroughMainProcess(port);
    // The named import sees the relay too (syncBuiltinESMExports).
    const child = fork('/app.asar/node_modules/node-llama-cpp/dist/bindings/utils/testBindingBinary.js', [], {
      env: { TEST_BINDING_CP: 'true' },
    }) as unknown as EventEmitter & { send(m: unknown): boolean; kill(): boolean; exitCode: number | null };
    expect(sent[0]).toMatchObject({ type: 'fork', id: 1, args: [], env: { TEST_BINDING_CP: 'true' } });
    const heard: unknown[] = [];
    child.on('message', (m) => heard.push(m));
    reply({ type: 'fork-message', id: 1, message: { type: 'ready' } });
    child.send({ type: 'start', bindingBinaryPath: '/x.node' });
    expect(sent[1]).toEqual({ type: 'fork-send', id: 1, message: { type: 'start', bindingBinaryPath: '/x.node' } });
    let exit: unknown;
    child.on('exit', (code) => (exit = code));
    reply({ type: 'fork-exit', id: 1, code: 0 });
    expect(heard).toEqual([{ type: 'ready' }]);
    expect(exit).toBe(0);
    expect(child.exitCode).toBe(0);
    child.kill(); // after the exit: nothing to ask for
    expect(sent).toHaveLength(2);
  });

  it('leaves plain Node alone (no parentPort: headless)', () => {
    forkThroughMainProcess(undefined);
    expect(childProcess.fork).toBe(originalFork);
  });
});
