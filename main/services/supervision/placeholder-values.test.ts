import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { standInRecipe } from '../../../test/stand-in';
import { pathsFor } from '../base-dir/paths';
import { modelArgument, placeholderValues } from './placeholder-values';

const paths = pathsFor(path.resolve('/base'));

describe('placeholderValues', () => {
  it('fills every value from the base layout, the ports given and the chosen model', () => {
    const recipe = standInRecipe({ modelInput: 'gguf', extraPorts: { worker: 21002 } });
    const values = placeholderValues({
      paths,
      recipe,
      host: '127.0.0.1',
      port: 8123,
      extraPorts: { worker: 21005 },
      model: 'tiny.gguf',
      engineEntry: '/e.js',
    });
    expect(values).toEqual({
      host: '127.0.0.1',
      port: '8123',
      model: path.join(paths.models, 'tiny.gguf'),
      modelsDir: paths.models,
      dataDir: path.join(paths.data, 'standin'),
      configDir: path.join(paths.config, 'standin'),
      binDir: paths.bin,
      logsDir: paths.logs,
      baseDir: paths.base,
      node: process.execPath,
      engineEntry: '/e.js',
      ports: { worker: '21005' },
    });
  });

  it('leaves {model} empty until one is chosen', () => {
    expect(placeholderValues({ paths, recipe: standInRecipe(), host: 'h', port: 1, extraPorts: {} }).model).toBeUndefined();
  });
});

describe('modelArgument', () => {
  it('gives a GGUF from the shared models folder as its full path, and an absolute path or a name as given', () => {
    const gguf = standInRecipe({ modelInput: 'gguf' });
    const named = standInRecipe({ modelInput: 'name' });
    expect(modelArgument(gguf, 'tiny.gguf', '/m')).toBe(path.join('/m', 'tiny.gguf'));
    expect(modelArgument(gguf, path.resolve('/x/tiny.gguf'), '/m')).toBe(path.resolve('/x/tiny.gguf'));
    expect(modelArgument(named, 'org/model', '/m')).toBe('org/model');
    expect(modelArgument(gguf, undefined, '/m')).toBeUndefined();
  });
});
