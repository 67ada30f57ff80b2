import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './support/host-process';

const run = promisify(execFile);

describe('the Node API types', () => {
  it('are bundled into out/types/node-api.d.ts, which a strict NodeNext project type-checks against by the package name', async () => {
    await run('npm', ['run', '--silent', 'build:types'], { cwd: projectRoot });
    // A consumer project: the package linked into its node_modules, as `npm install` would put it.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'llm-api-consumer-'));
    await mkdir(path.join(dir, 'node_modules'));
    await symlink(projectRoot, path.join(dir, 'node_modules', 'local-llm-manager'));
    for (const dep of ['@types', 'zod']) await symlink(path.join(projectRoot, 'node_modules', dep), path.join(dir, 'node_modules', dep));
    await writeFile(path.join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          target: 'es2022',
          types: ['node'],
        },
        files: ['use.ts'],
      }),
    );
    await writeFile(
      path.join(dir, 'use.ts'),
      [
        "import { LocalLLMManager, OperationFailedError, type RunningProvider, type RecipeInput } from 'local-llm-manager';",
        "const manager = new LocalLLMManager({ baseDir: '/tmp/x', logger: console, logLevel: 'debug' });",
        "const recipe: RecipeInput = { id: 'my-llm', name: 'Mine', description: 'd', homepage: 'https://example.com', defaultPort: 9999, api: 'openai', platforms: [{ os: 'linux' }], install: { strategy: 'none' }, start: [{ name: 's', argv: ['x'] }], health: { path: '/health' } };",
        'export async function use(): Promise<void> {',
        '  const running: RunningProvider[] = await manager.getRunningProviders();',
        '  const run = await manager.installProvider(recipe);',
        "  const status = (await manager.getProviderStatus())['llamacpp']?.status;",
        "  const gateway = await (await manager.client()).invoke('gateway.status');",
        "  manager.on('state', (state) => state.status);",
        '  console.log(running[0]?.endpoint, run?.status, status, gateway.url, OperationFailedError);',
        '  // @ts-expect-error: not a method of the manager',
        '  manager.frobnicate();',
        '  // @ts-expect-error: not a log level',
        "  manager.setLogLevel('loud');",
        '}',
      ].join('\n'),
    );
    const tsc = path.join(projectRoot, 'node_modules', '.bin', 'tsc');
    const result = await run(tsc, ['-p', dir]).then(
      () => ({ code: 0, out: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
    );
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });
});
