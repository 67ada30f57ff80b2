import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeTinyGguf, type TinyModelOptions } from '../../scripts/make-tiny-gguf';
import { pickPort } from '../../main/services/os/ports';
import { projectRoot } from './host-process';

export const enginePath = path.join(projectRoot, 'out', 'main', 'engine.js');

/** A models folder holding the generated tiny llama model (`options`: e.g. a chat template that thinks). */
export async function tinyModelsDir(options: TinyModelOptions = {}): Promise<{ dir: string; file: string }> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'llm-models-')), 'models');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'tiny-llama.gguf');
  writeTinyGguf(file, options);
  return { dir, file };
}

/** A short greedy chat with the tiny model: the same answer every time, from the engine or through the gateway. */
export const TINY_GREEDY_CHAT = {
  model: 'tiny-llama.gguf',
  messages: [{ role: 'user' as const, content: 'hello world' }],
  max_tokens: 12,
  temperature: 0,
};

export interface EngineProcess {
  baseUrl: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs the built engine as the supervisor would (`env` added to ours); resolves once /health says ok (or it exited). */
export async function startEngine(args: string[], env: Record<string, string> = {}): Promise<EngineProcess> {
  const port = await pickPort(28000 + Math.floor(Math.random() * 2000));
  const child = spawn(process.execPath, [enginePath, '--port', String(port), '--threads', '1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const ok = await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { baseUrl, child, output: () => output, exited };
}
