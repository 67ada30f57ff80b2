import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { GatewayStatus } from '../../../shared/gateway';
import type { ProviderState, ProviderSummary } from '../../../shared/provider';
import { tempDir } from '../../../test/temp-dir';
import { exportHelixCode } from './helixcode-export';

/** HelixCode's config.yaml as the seed spec shows it, with more of the user's own keys and comments around. */
const HELIX_CONFIG = `# HelixCode configuration — edited by hand
server:
  port: 9090 # the web UI
  workers: 4

llm:
  default_provider: "local"
  providers:
    # Existing providers
    openai: ""
    anthropic: ""

    # Auto-discovered local providers
    local_auto_discovery: true
    local_health_check_interval: 30

    # Manual configuration (optional)
    vllm:
      type: vllm
      endpoint: "http://localhost:8000"
      models: ["llama-2-7b-chat-hf"]
      enabled: true
      max_tokens: 4096 # my own field

    localai:
      type: localai
      endpoint: "http://localhost:8080"
      models: ["gpt-3.5-turbo"]
      enabled: true

# Logging
logging:
  level: info
`;

function summary(id: string, state: Partial<ProviderState>): ProviderSummary {
  return {
    id,
    name: id,
    description: '',
    homepage: '',
    api: 'openai',
    defaultPort: 8000,
    origin: 'builtin',
    installStrategy: 'git',
    compatibility: { runnable: true, reasons: [], warnings: [] },
    state: { id, status: 'installed', reason: '', restarts: 0, updatedAt: '', ...state },
  } as ProviderSummary;
}

const providers = [
  summary('vllm', { status: 'running', port: 8011, models: ['qwen2.5-0.5b'] }),
  summary('localai', { status: 'not-installed' }),
  summary('llamacpp', { status: 'stopped', port: 8080 }),
];
const gateway = {
  enabled: true,
  listening: true,
  url: 'http://127.0.0.1:8400/v1',
  host: '127.0.0.1',
  port: 8400,
  routes: [{ model: 'qwen2.5-0.5b', strategy: 'round-robin', targets: [] }],
} as unknown as GatewayStatus;

describe('export for HelixCode', () => {
  it('merges llm.providers into a config.yaml with other keys and comments, keeping every untouched line byte for byte', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'config.yaml');
    await writeFile(file, HELIX_CONFIG);
    const result = await exportHelixCode({ providers, gateway, file, write: true, now: new Date('2026-11-29T10:00:00Z') });
    const text = await readFile(file, 'utf8');
    expect(text).toBe(result.yaml);
    // Only the values that changed differ; every other byte (comments, quotes, spacing, blank lines) is the file's own.
    const expected = HELIX_CONFIG.replace('endpoint: "http://localhost:8000"', 'endpoint: "http://127.0.0.1:8011"')
      .replace('models: ["llama-2-7b-chat-hf"]', 'models: ["qwen2.5-0.5b"]')
      .replace('models: ["gpt-3.5-turbo"]\n      enabled: true', 'models: ["gpt-3.5-turbo"]\n      enabled: false')
      .replace(
        '      enabled: false\n\n# Logging',
        [
          '      enabled: false',
          '',
          '    llamacpp:',
          '      type: llamacpp',
          '      endpoint: "http://127.0.0.1:8080"',
          '      models: []',
          '      enabled: false',
          '',
          '    local_llm_gateway:',
          '      type: openai',
          '      endpoint: "http://127.0.0.1:8400"',
          '      models: ["qwen2.5-0.5b"]',
          '      enabled: true',
          '',
          '# Logging',
        ].join('\n'),
      );
    expect(text).toBe(expected);

    const data = parse(text);
    expect(data.server).toEqual({ port: 9090, workers: 4 });
    expect(data.llm.default_provider).toBe('local');
    expect(data.llm.providers.openai).toBe('');
    expect(data.llm.providers.local_auto_discovery).toBe(true);
    expect(data.llm.providers.vllm).toEqual({
      type: 'vllm',
      endpoint: 'http://127.0.0.1:8011',
      models: ['qwen2.5-0.5b'],
      enabled: true,
      max_tokens: 4096,
    });
    expect(data.llm.providers.localai.enabled).toBe(false);
    expect(data.llm.providers.llamacpp).toEqual({ type: 'llamacpp', endpoint: 'http://127.0.0.1:8080', models: [], enabled: false });
    expect(data.llm.providers.local_llm_gateway).toEqual({
      type: 'openai',
      endpoint: 'http://127.0.0.1:8400',
      models: ['qwen2.5-0.5b'],
      enabled: true,
    });

    // The old file is kept beside it; a second export with nothing new writes nothing.
    expect(result.keptAside).toBe(`${file}.before-export-2026-11-29T10-00-00-000Z`);
    expect(await readFile(result.keptAside!, 'utf8')).toBe(HELIX_CONFIG);
    const again = await exportHelixCode({ providers, gateway, file, write: true });
    expect(again.keptAside).toBeUndefined();
    expect((await readdir(dir)).length).toBe(2);
  });

  it('previews the block alone, and creates llm.providers in a file without one', async () => {
    const alone = await exportHelixCode({ providers, gateway });
    expect(parse(alone.yaml)).toEqual({
      llm: {
        providers: {
          vllm: { type: 'vllm', endpoint: 'http://127.0.0.1:8011', models: ['qwen2.5-0.5b'], enabled: true },
          llamacpp: { type: 'llamacpp', endpoint: 'http://127.0.0.1:8080', models: [], enabled: false },
          local_llm_gateway: { type: 'openai', endpoint: 'http://127.0.0.1:8400', models: ['qwen2.5-0.5b'], enabled: true },
        },
      },
    });
    const file = path.join(await tempDir(), 'config.yaml');
    await writeFile(file, '# mine\nother: 1\n');
    const merged = await exportHelixCode({ providers, file });
    expect(merged.yaml.startsWith('# mine\nother: 1\n')).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('# mine\nother: 1\n');
  });

  it('merges into a flow-style or empty llm section through the document, keeping its other keys', async () => {
    for (const text of [
      'llm: { default_provider: local, providers: { openai: "" } }\nother: 1\n',
      'llm:\nother: 1\n',
      'llm:\n  providers:\nx: 2\n',
    ]) {
      const file = path.join(await tempDir(), 'config.yaml');
      await writeFile(file, text);
      const data = parse((await exportHelixCode({ providers, file })).yaml);
      expect(data.llm.providers.vllm).toEqual({ type: 'vllm', endpoint: 'http://127.0.0.1:8011', models: ['qwen2.5-0.5b'], enabled: true });
      expect(data.other ?? data.x).toBeDefined();
    }
  });

  it('refuses a file that does not parse, or whose llm is not a mapping, and writes nothing', async () => {
    const file = path.join(await tempDir(), 'config.yaml');
    await writeFile(file, 'llm: [1, 2]\n');
    await expect(exportHelixCode({ providers, file, write: true })).rejects.toThrow(/llm in .* is not a mapping/);
    await writeFile(file, 'llm: {\n');
    await expect(exportHelixCode({ providers, file, write: true })).rejects.toThrow(/does not parse/);
    expect(await readFile(file, 'utf8')).toBe('llm: {\n');
    await writeFile(file, 'root:x:0:0:root:/root:/bin/bash\n');
    await expect(exportHelixCode({ providers, file, write: true })).rejects.toThrow(`${file} is not a mapping of keys`);
  });

  it('writing into a folder that does not exist names the folder, not a temp file', async () => {
    const file = path.join(await tempDir(), 'helix', 'config', 'config.yaml');
    await expect(exportHelixCode({ providers, file, write: true })).rejects.toThrow(`The folder ${path.dirname(file)} does not exist.`);
  });
});
