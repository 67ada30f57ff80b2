import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../../shared/errors';
import { RecipeSchema } from '../../../shared/recipe';
import {
  badPlaceholders,
  expandArgv,
  expandEnv,
  expandPlaceholders,
  placeholdersIn,
  recipeTemplates,
  venvPythonPath,
  type PlaceholderValues,
} from './placeholders';

const VALUES: PlaceholderValues = {
  host: '127.0.0.1',
  port: '8123',
  model: '/models/My Model Q4.gguf',
  modelsDir: '/base/models',
  dataDir: '/base/data/fastchat',
  configDir: '/base/config/fastchat',
  binDir: '/base/bin',
  logsDir: '/base/logs',
  baseDir: '/base',
  node: '/usr/bin/node',
  ports: { controller: '21001', worker: 21002 },
};

function failure(run: () => unknown): AppFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof AppFailure) return error;
    throw error;
  }
  throw new Error('expected an AppFailure');
}

describe('expandPlaceholders', () => {
  it('fills every placeholder, extra ports included, and leaves other text alone', () => {
    expect(expandPlaceholders('http://{host}:{ports.controller}/x?p={port}', VALUES)).toBe('http://127.0.0.1:21001/x?p=8123');
    expect(expandPlaceholders('{ports.worker}', VALUES)).toBe('21002');
    expect(expandPlaceholders('{baseDir}|{binDir}|{logsDir}|{configDir}|{modelsDir}', VALUES)).toBe(
      '/base|/base/bin|/base/logs|/base/config/fastchat|/base/models',
    );
  });

  it('ignores braces that are not placeholders and unescapes {{name}}', () => {
    expect(expandPlaceholders('models: {}\nmap: {a: 1}\njson: {"k": 2}', VALUES)).toBe('models: {}\nmap: {a: 1}\njson: {"k": 2}');
    expect(expandPlaceholders('literal {{port}} and real {port}', VALUES)).toBe('literal {port} and real 8123');
  });

  it('derives {venvPython} from the data folder unless it is given', () => {
    expect(expandPlaceholders('{venvPython}', VALUES)).toBe(venvPythonPath('/base/data/fastchat'));
    expect(expandPlaceholders('{venvPython}', { ...VALUES, venvPython: '/opt/py' })).toBe('/opt/py');
    expect(venvPythonPath('/d', 'linux')).toBe('/d/venv/bin/python');
    expect(venvPythonPath('C:\\d', 'win32')).toBe('C:\\d\\venv\\Scripts\\python.exe');
  });

  it('refuses an unknown placeholder, naming it and where it was used', () => {
    const error = failure(() => expandPlaceholders('--model={modelPath}', VALUES, 'start.0.argv.3'));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('Unknown placeholder {modelPath} in start.0.argv.3.');
    expect(error.hint).toMatch(/\{model\}.*\{ports\.NAME\}/);
    expect(error.details).toEqual({ placeholder: 'modelPath', where: 'start.0.argv.3' });
  });

  it('refuses {model} when no model is chosen, saying what to do', () => {
    const { model: _none, ...noModel } = VALUES;
    const error = failure(() => expandPlaceholders('{model}', noModel, 'start.1.argv.12'));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('{model} is used in start.1.argv.12, but no model is chosen.');
    expect(error.hint).toBe("Choose a model in the provider's settings, then start it again.");
    expect(failure(() => expandPlaceholders('{model}', { ...VALUES, model: '' }, 'x')).message).toMatch(/no model is chosen/);
  });

  it('refuses an extra port the values do not have', () => {
    const error = failure(() => expandPlaceholders('{ports.metrics}', VALUES, 'start.0.env.METRICS_PORT'));
    expect(error.message).toBe('{ports.metrics} in start.0.env.METRICS_PORT names an extra port the recipe does not declare.');
    expect(error.hint).toMatch(/declared: controller, worker/);
  });
});

describe('expandArgv and expandEnv', () => {
  it('keeps each argument whole: spaces and shell characters are data, not syntax', () => {
    const argv = expandArgv(['server', '--model', '{model}', '--name', 'a b; rm -rf /'], VALUES, 'start.0.argv');
    expect(argv).toEqual(['server', '--model', '/models/My Model Q4.gguf', '--name', 'a b; rm -rf /']);
  });

  it('names the element that failed', () => {
    expect(failure(() => expandArgv(['ok', '{nope}'], VALUES, 'start.2.argv')).message).toBe(
      'Unknown placeholder {nope} in start.2.argv.1.',
    );
  });

  it('expands env values, never names', () => {
    expect(expandEnv({ OLLAMA_HOST: '{host}:{port}', KEEP: 'as is' }, VALUES, 'start.0.env')).toEqual({
      OLLAMA_HOST: '127.0.0.1:8123',
      KEEP: 'as is',
    });
    expect(failure(() => expandEnv({ X: '{what}' }, VALUES, 'start.0.env')).message).toMatch(/in start\.0\.env\.X\.$/);
  });
});

describe('finding placeholders in recipes', () => {
  const recipe = RecipeSchema.parse({
    id: 'demo',
    name: 'Demo',
    description: 'Uses placeholders everywhere they are allowed.',
    homepage: 'https://example.com',
    defaultPort: 9000,
    extraPorts: { admin: 9001 },
    api: 'openai',
    platforms: [{ os: 'linux' }],
    install: {
      strategy: 'git',
      build: [{ name: 'make', argv: ['make', 'PREFIX={dataDir}'], cwd: '{dataDir}/src', env: { CC: '{binDir}/cc' } }],
    },
    start: [{ name: 'server', argv: ['{dataDir}/server', '{ports.admin}', '{ports.other}'], env: { H: '{host}' }, cwd: '{dataDir}' }],
    stop: ['{binDir}/stop', '{wat}'],
    health: { path: '/health' },
    config: [{ file: 'c.yaml', template: 'port: {port}\nliteral: {{port}}\n' }],
  });

  it('lists placeholder names, escapes excluded', () => {
    expect(placeholdersIn('{a} {{b}} {ports.c} {} {1x}')).toEqual(['a', 'ports.c']);
  });

  it('covers argv, env, cwd, stop, build steps and config templates', () => {
    expect(recipeTemplates(recipe).map((s) => s.where)).toEqual([
      'start.0.argv.0',
      'start.0.argv.1',
      'start.0.argv.2',
      'start.0.env.H',
      'start.0.cwd',
      'stop.0',
      'stop.1',
      'install.build.0.argv.0',
      'install.build.0.argv.1',
      'install.build.0.env.CC',
      'install.build.0.cwd',
      'config.0.template',
    ]);
  });

  it('finds the ones that can never get a value', () => {
    expect(badPlaceholders(recipe)).toEqual([
      { where: 'start.0.argv.2', name: 'ports.other', reason: 'names the extra port "other", which extraPorts does not declare' },
      { where: 'stop.1', name: 'wat', reason: 'is not a known placeholder' },
    ]);
  });
});
