import childProcess from 'node:child_process';
import { EventEmitter } from 'node:events';
import { syncBuiltinESMExports } from 'node:module';

/** What the engine and the desktop shell say to each other about relayed forks (main/electron/node-launcher.ts). */
export type ForkRelayMessage =
  | { type: 'fork'; id: number; modulePath: string; args: string[]; env?: Record<string, string | undefined> }
  | { type: 'fork-send'; id: number; message: unknown }
  | { type: 'fork-kill'; id: number }
  | { type: 'fork-message'; id: number; message: unknown }
  | { type: 'fork-exit'; id: number; code: number };

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: ForkRelayMessage): void;
}

/**
 * node-llama-cpp checks a prebuilt binary in a child process before loading it (always on Linux,
 * GPU builds on Windows). Inside Electron it tries utilityProcess.fork, which only the main process
 * has, then child_process.fork, which starts Electron's binary as Node: refused once the RunAsNode
 * fuse is off, so every binary would fail its check. In a utility process (the desktop app) the
 * engine's fork is therefore asked of the main process, which forks a utility process and relays
 * its messages both ways. Plain Node (headless) keeps its own fork.
 */
export function forkThroughMainProcess(port = (process as { parentPort?: ParentPort }).parentPort): void {
  if (!port) return;
  const children = new Map<number, RelayedChild>();
  let nextId = 1;
  port.on('message', ({ data }) => {
    const message = data as ForkRelayMessage;
    const child = children.get(message.id);
    if (!child) return;
    if (message.type === 'fork-message') child.emit('message', message.message);
    else if (message.type === 'fork-exit') {
      children.delete(message.id);
      child.exitCode = message.code;
      child.emit('exit', message.code, null);
    }
  });
  const fork = (modulePath: string | URL, args?: readonly string[], options?: { env?: NodeJS.ProcessEnv }) => {
    const child = new RelayedChild(nextId++, port);
    children.set(child.id, child);
    port.postMessage({
      type: 'fork',
      id: child.id,
      modulePath: String(modulePath),
      args: [...(args ?? [])],
      env: options?.env ?? process.env,
    });
    return child;
  };
  childProcess.fork = fork as unknown as typeof childProcess.fork;
  // node-llama-cpp imports `fork` by name from node:child_process; this updates that binding too.
  syncBuiltinESMExports();
}

/** The parts of a ChildProcess node-llama-cpp's binary check uses. */
class RelayedChild extends EventEmitter {
  exitCode: number | null = null;
  readonly killed = false;
  readonly stdout = null;
  readonly stderr = null;

  constructor(
    readonly id: number,
    private readonly port: ParentPort,
  ) {
    super();
  }

  send(message: unknown): boolean {
    this.port.postMessage({ type: 'fork-send', id: this.id, message });
    return true;
  }

  kill(): boolean {
    if (this.exitCode === null) this.port.postMessage({ type: 'fork-kill', id: this.id });
    return true;
  }
}
