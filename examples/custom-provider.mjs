// The spec's "Custom Provider Definition": a provider the catalog does not know, defined in code.
// installProvider saves it as config/providers.d/<id>.yaml (checked like a hand-written recipe and
// confirmed as given: this script states the commands), then it installs and starts like any other.
// Run: node examples/custom-provider.mjs [path/to/server.mjs]
import path from 'node:path';
import { LocalLLMManager } from 'local-llm-manager';

// Any OpenAI-compatible server; by default the llama-server stand-in the tests use.
const server = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..', 'test', 'fixtures', 'stand-ins', 'llama-server.mjs'));

const customProvider = {
  id: 'custom-llm',
  name: 'Custom LLM',
  description: 'Custom local LLM provider',
  homepage: 'https://github.com/user/custom-llm',
  defaultPort: Number(process.env.CUSTOM_LLM_PORT ?? 9999),
  api: 'openai',
  platforms: [{ os: 'linux' }, { os: 'darwin' }, { os: 'win32' }],
  // Already on this machine: nothing to clone or build. (A repository with build steps would be
  // install: { strategy: 'git', build: [{ name: 'build', argv: ['pip', 'install', '-e', '.'] }] }.)
  install: { strategy: 'none' },
  start: [{ name: 'server', argv: ['{node}', server, '--host', '{host}', '--port', '{port}'], env: { CUSTOM_LLM: '1' } }],
  health: { path: '/health', json: { status: 'ok' } },
};

const manager = new LocalLLMManager();
try {
  await manager.installProvider(customProvider);
  const state = await manager.startProvider(customProvider.id);
  console.log(`${customProvider.name} is ${state.status} on port ${state.port}`);
  const running = (await manager.getRunningProviders()).find((p) => p.id === customProvider.id);
  console.log(`endpoint ${running?.endpoint} models ${running?.models.join(', ')}`);
  if (!process.env.KEEP_RUNNING) await manager.stopProvider(customProvider.id);
} finally {
  await manager.close();
}
