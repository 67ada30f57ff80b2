import { describe, expect, it } from 'vitest';
import { RecipeSchema } from '../../../shared/recipe';
import { engine } from '../../builtin-recipes/recipes/engine';
import { launchPlan } from './launch-plan';
import { expandPlaceholders, type PlaceholderValues } from './placeholders';

const ENGINE = RecipeSchema.parse(engine);
const VALUES: PlaceholderValues = {
  host: '127.0.0.1',
  port: '8090',
  node: '/usr/bin/node',
  engineEntry: '/app/engine.js',
  modelsDir: '/base/models',
  dataDir: '/base/data/engine',
  configDir: '/base/config/engine',
  binDir: '/base/bin',
  logsDir: '/base/logs',
  baseDir: '/base',
  ports: {},
};

describe('launchPlan', () => {
  it("passes the user's engine settings in the environment, and nothing for what they left unset", () => {
    const [tuned] = launchPlan(ENGINE, VALUES, { model: 'a.gguf', contextSize: 8192, threads: 4, parallel: 3 }, expandPlaceholders);
    expect(tuned!.launch.env).toMatchObject({
      LLM_MANAGER_MODEL: 'a.gguf',
      LLM_MANAGER_CTX_SIZE: '8192',
      LLM_MANAGER_THREADS: '4',
      LLM_MANAGER_PARALLEL: '3',
    });
    const [plain] = launchPlan(ENGINE, VALUES, {}, expandPlaceholders);
    expect(Object.keys(plain!.launch.env).filter((key) => key.startsWith('LLM_MANAGER_'))).toEqual([]);
    expect(plain!.launch.argv).toEqual([
      '/usr/bin/node',
      '/app/engine.js',
      '--host',
      '127.0.0.1',
      '--port',
      '8090',
      '--models-dir',
      '/base/models',
    ]);
  });
});
