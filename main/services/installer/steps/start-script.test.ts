import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../../../../shared/recipe';
import type { PlaceholderValues } from '../../supervision/placeholders';
import { startScript } from './start-script';

const values: PlaceholderValues = {
  host: '127.0.0.1',
  port: '8080',
  model: 'my model & co.gguf',
  modelsDir: '/base/models',
  dataDir: '/base/data/x',
  configDir: '/base/config/x',
  binDir: '/base/bin',
  logsDir: '/base/logs',
  baseDir: '/base',
  node: '/usr/bin/node',
  ports: { worker: 21002 },
};

const recipe = (start: unknown[]) =>
  RecipeSchema.parse({
    id: 'xsrv',
    name: 'X server',
    description: 'x',
    homepage: 'https://example.com',
    defaultPort: 8080,
    extraPorts: { worker: 21002 },
    api: 'openai',
    platforms: [{ os: 'linux' }],
    install: { strategy: 'none' },
    start,
    health: { path: '/health' },
  });

describe('start scripts', () => {
  it('sh: port and model stay overridable variables, every argument quoted', () => {
    const script = startScript(
      recipe([
        {
          name: 'server',
          argv: ['{dataDir}/srv', '--port', '{port}', '-m', '{modelsDir}/{model}', "it's"],
          env: { HOME_DIR: '{baseDir}' },
        },
      ]),
      values,
      'linux',
    );
    expect(script).toContain('PORT="${PORT:-8080}"');
    expect(script).toContain('MODEL="${MODEL:-my model & co.gguf}"');
    expect(script).toContain(`exec HOME_DIR='/base' '/base/data/x/srv' '--port' "$PORT" '-m' '/base/models/'"$MODEL" 'it'\\''s'`);
  });

  it('sh: several processes run together and stop together', () => {
    const script = startScript(
      recipe([
        { name: 'a', argv: ['a', '{ports.worker}'] },
        { name: 'b', argv: ['b'] },
      ]),
      { ...values, model: undefined },
      'linux',
    );
    expect(script).toContain("trap 'kill 0' INT TERM EXIT");
    expect(script).toContain("(cd '/base/data/x' && exec 'a' '21002') &");
    expect(script.trim().endsWith('wait')).toBe(true);
    expect(script).not.toContain('MODEL');
  });

  it('cmd: a model name with & cannot run a command', () => {
    const script = startScript(
      recipe([{ name: 'server', argv: ['{dataDir}\\srv.exe', '--port', '{port}', '-m', '{model}'] }]),
      values,
      'win32',
    );
    expect(script).toContain('if "%MODEL%"=="" set "MODEL=my model & co.gguf"');
    expect(script).toContain('"/base/data/x\\srv.exe" "--port" "%PORT%" "-m" "%MODEL%"');
    expect(script).toContain('\r\n');
  });
});
