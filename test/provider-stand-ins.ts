import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';
import { pickPort } from '../main/services/os/ports';
import { isRunning } from '../main/services/os/process-tree';
import { STAND_IN_LLAMA_SERVER } from './stand-in';

export const STAND_IN_PROVIDERS = path.join(import.meta.dirname, 'fixtures', 'stand-ins', 'providers.mjs');

export type StandInKind =
  'ollama' | 'vllm' | 'lmstudio' | 'koboldcpp' | 'tabbyapi' | 'localai-ollama' | 'openai' | 'locked' | 'llama-server';

export interface RunningStandIn {
  kind: StandInKind;
  port: number;
  pid: number;
  /** Ollama with --runner: the llama-server child it started on a random port. */
  runner?: { pid: number; port: number };
  stop(): Promise<void>;
}

const started: RunningStandIn[] = [];

/**
 * Starts a provider stand-in as a process of its own (not under our supervisor, as a user's own
 * server would be) and waits until it listens. Stopped after the current test.
 */
export async function startStandIn(kind: StandInKind, options: { runner?: boolean; port?: number } = {}): Promise<RunningStandIn> {
  const port = options.port ?? (await pickPort(30000 + Math.floor(Math.random() * 20000)));
  const argv =
    kind === 'llama-server'
      ? [STAND_IN_LLAMA_SERVER, '--host', '127.0.0.1', '--port', String(port)]
      : [STAND_IN_PROVIDERS, '--kind', kind, '--port', String(port), ...(options.runner ? ['--runner'] : [])];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (what: string): Promise<string> => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const { value, done } = await lines.next();
    clearTimeout(timer);
    if (done) throw new Error(`the ${kind} stand-in exited before ${what}`);
    return value as string;
  };
  await next('listening');
  let runner: RunningStandIn['runner'];
  if (options.runner) {
    const [, pid, runnerPort] = /^runner (\d+) (\d+)$/.exec(await next('its runner started')) ?? [];
    runner = { pid: Number(pid), port: Number(runnerPort) };
  }
  const standIn: RunningStandIn = { kind, port, pid: child.pid!, runner, stop: () => stopAll(child, runner?.pid) };
  started.push(standIn);
  return standIn;
}

async function stopAll(child: ChildProcess, runnerPid?: number): Promise<void> {
  for (const pid of [child.pid, runnerPid]) {
    if (!pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  const deadline = Date.now() + 5000;
  while ([child.pid, runnerPid].some((pid) => pid && isRunning(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((standIn) => standIn.stop()));
});
