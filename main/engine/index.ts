import { parseArgs } from 'node:util';
import si from 'systeminformation';
import { ENGINE_DEFAULT_CONTEXT } from '../../shared/model-memory';
import { APP_VERSION } from '../app-meta';
import { chooseModel, EXIT_CONFIG, ModelProblem } from './model-choice';
import { ContextProblem, EngineRuntime } from './runtime';
import { createEngineServer } from './server';
import { forkThroughMainProcess } from './fork-relay';

// The built-in engine: its own process, started and watched by the supervisor like any provider,
// so a crash inside llama.cpp never takes the app down.
forkThroughMainProcess(); // in the desktop app's utility process: node-llama-cpp's binary check needs it
const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8090' },
    model: { type: 'string' },
    'models-dir': { type: 'string', default: '.' },
    // Each flag wins over the environment the app passes the user's settings in (LLM_MANAGER_*).
    'ctx-size': { type: 'string' },
    threads: { type: 'string' },
    parallel: { type: 'string' },
  },
  strict: true,
});

function fail(message: string, code = EXIT_CONFIG): never {
  console.error(message);
  process.exit(code);
}

const positive = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number of at least 1, got "${text}".`);
  return n;
};

let modelPath: string;
try {
  modelPath = await chooseModel(values.model ?? process.env.LLM_MANAGER_MODEL, values['models-dir']);
} catch (error) {
  fail(error instanceof ModelProblem ? error.message : `Cannot read the model: ${(error as Error).message}`);
}
const contextSize = positive('ctx-size', values['ctx-size'] ?? process.env.LLM_MANAGER_CTX_SIZE ?? String(ENGINE_DEFAULT_CONTEXT));
const parallel = positive('parallel', values.parallel ?? process.env.LLM_MANAGER_PARALLEL ?? '1');
// node-llama-cpp's default thread count oversubscribes small machines: physical cores serve best.
const threadsAsked = values.threads ?? process.env.LLM_MANAGER_THREADS;
const threads = threadsAsked ? positive('threads', threadsAsked) : Math.max(1, (await si.cpu()).physicalCores || 1);

let runtime: EngineRuntime | undefined;
const server = createEngineServer({ runtime: () => runtime, modelPath, version: APP_VERSION });
const bindFailed = (error: Error) =>
  fail(`couldn't bind HTTP server socket, hostname: ${values.host}, port: ${values.port}: ${error.message}`, 1);
server.once('error', bindFailed);
server.listen(Number(values.port), values.host, () => {
  // Past the bind, a server error (EMFILE at accept) is logged by the server and is no reason to exit.
  server.off('error', bindFailed);
  console.log(
    `engine: listening on http://${values.host}:${values.port}, loading ${modelPath} (ctx ${contextSize}, threads ${threads}, parallel ${parallel})`,
  );
});

try {
  runtime = await EngineRuntime.load({ modelPath, contextSize, threads, parallel });
  console.log('engine: model loaded, ready');
} catch (error) {
  if (error instanceof ContextProblem) fail(error.message);
  fail(`Cannot load ${modelPath}: ${(error as Error).message}. The file may be truncated or not a model llama.cpp supports.`);
}

const shutdown = async () => {
  server.close();
  await runtime?.dispose().catch(() => undefined);
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
