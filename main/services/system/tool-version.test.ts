import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseToolVersion } from './tool-version';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', 'tool-versions', `${name}.txt`), 'utf8');

describe('parseToolVersion on recorded output', () => {
  it.each([
    ['git', '2.39.5'],
    ['python3', '3.11.7'],
    ['pip', '23.2.1'],
    ['cmake', '3.25.1'],
    ['make', '4.3'],
    ['gcc', '12.2.0'],
    ['cargo', '1.95.0'],
    ['node', '20.20.2'],
    ['docker', '28.2.2'],
    ['nvcc', '13.0.88'],
    ['go', '1.22.5'],
    ['clang', '14.0.6'],
    ['uv', '0.4.30'],
    ['nvidia-smi', '550.54.15'],
    ['npm', '11.19.1'],
    ['venv', '3.11.7'],
    ['rocm-smi', '2.3.1'],
    ['msvc', '19.38.33134'],
  ])('%s → %s', (tool, version) => {
    expect(parseToolVersion(tool, fixture(tool))).toBe(version);
  });

  it('reads the driver from the banner of older nvidia-smi', () => {
    expect(parseToolVersion('nvidia-smi', '| NVIDIA-SMI 535.104.05   Driver Version: 535.104.05   CUDA Version: 12.2 |')).toBe(
      '535.104.05',
    );
  });

  it('reads the Visual Studio version vswhere prints when cl.exe is not on PATH', () => {
    expect(parseToolVersion('msvc', '17.9.6\r\n')).toBe('17.9.6');
  });

  it('finds nothing in output without a version', () => {
    expect(parseToolVersion('git', 'command not found')).toBeUndefined();
  });
});
