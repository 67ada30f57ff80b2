import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACCELERATORS, PLACEHOLDERS, RecipeSchema, type Accelerator, type ProviderRecipe, type RecipeInput } from '../../shared/recipe';
import { Catalog } from '../services/catalog/catalog';
import { planInstall } from '../services/installer/plan';
import type { GpuInfo } from '../../shared/system';
import { checkCompatibility, stepApplies } from '../services/system/compatibility';
import { expandPlaceholders, placeholdersIn, recipeTemplates, type PlaceholderValues } from '../services/supervision/placeholders';
import { BUILTIN_RECIPES } from './builtin';

const recipes = BUILTIN_RECIPES.map((input) => RecipeSchema.parse(input));
const byId = (id: string) => recipes.find((r) => r.id === id)!;

describe('built-in recipes', () => {
  it.each(BUILTIN_RECIPES.map((r) => [r.id, r] as const))('%s validates against RecipeSchema', (_id, input) => {
    const result = RecipeSchema.safeParse(input);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('cover every provider of the brief, each once, with unique ids and aliases', () => {
    expect(recipes.map((r) => r.id).sort()).toEqual(
      [
        'engine',
        'fastchat',
        'gpt4all',
        'jan',
        'koboldcpp',
        'llama-swap',
        'llamacpp',
        'lmstudio',
        'localai',
        'mistralrs',
        'mlx-lm',
        'ollama',
        'tabbyapi',
        'textgen',
        'vllm',
      ].sort(),
    );
    const names = recipes.flatMap((r) => [r.id, ...r.aliases]);
    expect(new Set(names).size).toBe(names.length);
    expect(byId('koboldcpp').aliases).toContain('koboldai');
  });

  it("use the seed spec's default ports, except where portNote says why", () => {
    // The seed spec's provider table.
    const SPEC_PORTS: Record<string, number> = {
      vllm: 8000,
      localai: 8080,
      fastchat: 7860,
      textgen: 5000,
      lmstudio: 1234,
      jan: 1337,
      koboldcpp: 5001,
      gpt4all: 4891,
      tabbyapi: 5000,
      'mlx-lm': 8080,
      mistralrs: 8080,
    };
    const deviations = { fastchat: 8000 };
    for (const [id, port] of Object.entries(SPEC_PORTS)) {
      expect({ id, port: byId(id).defaultPort }).toEqual({ id, port: deviations[id as keyof typeof deviations] ?? port });
    }
    expect(byId('fastchat').portNote).toMatch(/7860.*Gradio.*8000/);
    expect(byId('fastchat').extraPorts).toEqual({ controller: 21001, worker: 21002 });
    expect(byId('mistralrs').portNote).toMatch(/1234/);
    // Not in the spec's table: provider-facts.md's defaults, and the engine's own.
    expect([byId('ollama').defaultPort, byId('llamacpp').defaultPort, byId('engine').defaultPort]).toEqual([11434, 8080, 8090]);
  });

  it('expand every placeholder they use, with a full set of values', () => {
    for (const recipe of recipes) {
      const values: PlaceholderValues = {
        host: '127.0.0.1',
        port: String(recipe.defaultPort),
        model: 'some-model',
        modelsDir: '/b/models',
        dataDir: `/b/data/${recipe.id}`,
        configDir: `/b/config/${recipe.id}`,
        binDir: '/b/bin',
        logsDir: '/b/logs',
        baseDir: '/b',
        node: '/usr/bin/node',
        engineEntry: '/app/out/main/engine.js',
        venvPython: `/b/data/${recipe.id}/venv/bin/python`,
        ports: recipe.extraPorts,
      };
      for (const { where, text } of recipeTemplates(recipe)) {
        const expanded = expandPlaceholders(text, values, `${recipe.id} ${where}`);
        expect({ where: `${recipe.id} ${where}`, left: placeholdersIn(expanded) }).toEqual({ where: `${recipe.id} ${where}`, left: [] });
      }
    }
  });

  it('name only known placeholders', () => {
    const used = new Set(recipes.flatMap((r) => recipeTemplates(r).flatMap((s) => placeholdersIn(s.text))));
    const known = new Set<string>([...PLACEHOLDERS, 'ports.controller', 'ports.worker']);
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
  });

  it('write config templates that are valid YAML once expanded', () => {
    for (const recipe of recipes.filter((r) => r.config.length > 0)) {
      for (const file of recipe.config) {
        const text = expandPlaceholders(file.template, {
          host: '127.0.0.1',
          port: '8000',
          modelsDir: '/b/models',
          dataDir: '/b/data',
          configDir: '/b/config',
          binDir: '/b/bin',
          logsDir: '/b/logs',
          baseDir: '/b',
          node: '/usr/bin/node',
          ports: {},
        });
        expect(() => parseYaml(text), `${recipe.id} ${file.file}`).not.toThrow();
      }
    }
    expect(
      parseYaml(
        expandPlaceholders(byId('vllm').config[0]!.template, {
          host: '127.0.0.1',
          port: '8000',
          modelsDir: '/m',
          dataDir: '',
          configDir: '',
          binDir: '',
          logsDir: '',
          baseDir: '',
          node: '',
          ports: {},
        }),
      ),
    ).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      'max-num-seqs': 256,
      'max-model-len': 4096,
      'gpu-memory-utilization': 0.9,
      'download-dir': '/m',
    });
  });

  it('have exactly one build variant per machine they can run on', () => {
    const plausible = (os: string, arch: string): Accelerator[] =>
      os === 'darwin' ? (arch === 'arm64' ? ['apple'] : ['amd', 'intel', 'none']) : ['nvidia', 'amd', 'intel', 'none'];
    for (const recipe of recipes) {
      if (recipe.install.strategy !== 'git' && recipe.install.strategy !== 'python') continue;
      const conditional = recipe.install.build.filter((s) => s.when);
      // Alternatives share the first word of their name: configure-cuda / configure, build-metal / build.
      const kinds = new Set(conditional.map((s) => s.name.split('-')[0]));
      for (const { os, arch: archs } of recipe.platforms) {
        for (const arch of archs) {
          for (const accelerator of plausible(os, arch)) {
            const gpus: GpuInfo[] =
              accelerator === 'none'
                ? []
                : [{ vendor: accelerator, model: accelerator, sharedMemory: accelerator === 'apple', source: 'test' }];
            if (!checkCompatibility(recipe, { platform: os, arch, gpus, tools: [], totalRamBytes: 0 }).runnable) continue;
            for (const kind of kinds) {
              const applying = conditional.filter(
                (s) => s.name.split('-')[0] === kind && stepApplies(s, { platform: os, arch, accelerator }),
              );
              expect({ recipe: recipe.id, os, arch, accelerator, kind, steps: applying.length }).toEqual({
                recipe: recipe.id,
                os,
                arch,
                accelerator,
                kind,
                steps: 1,
              });
            }
          }
        }
      }
    }
    expect(ACCELERATORS).toContain('none');
  });

  it('let only external apps go without a start command, and then say how to start them', () => {
    for (const recipe of recipes.filter((r) => r.start.length === 0)) {
      expect(recipe.install.strategy).toBe('external');
      expect(recipe.startHint).toBeTruthy();
    }
    expect(recipes.filter((r) => r.start.length === 0).map((r) => r.id)).toEqual(['jan', 'gpt4all', 'llama-swap']);
  });

  it('detect external apps by command or path on every OS they support', () => {
    for (const recipe of recipes) {
      if (recipe.install.strategy !== 'external') continue;
      const detect = recipe.install.detect;
      for (const { os } of recipe.platforms) {
        expect({ id: recipe.id, os, ways: detect.commands.length + (detect.paths[os]?.length ?? 0) > 0 }).toEqual({
          id: recipe.id,
          os,
          ways: true,
        });
      }
    }
    const lmstudio = byId('lmstudio');
    expect(lmstudio.install).toMatchObject({
      detect: {
        commands: ['lms'],
        paths: { darwin: expect.arrayContaining(['/Applications/LM Studio.app', '~/.lmstudio', '~/.cache/lm-studio']) },
      },
    });
    expect(lmstudio.start).toEqual([{ name: 'server', argv: ['lms', 'server', 'start', '--port', '{port}'], env: {} }]);
    expect(lmstudio.stop).toEqual(['lms', 'server', 'stop']);
  });

  it('run FastChat as three processes, the worker waiting for the controller', () => {
    const fastchat = byId('fastchat');
    expect(fastchat.start.map((p) => p.name)).toEqual(['controller', 'worker', 'api']);
    expect(fastchat.start[0]!.argv).toContain('{ports.controller}');
    expect(fastchat.start[0]!.readyCheck).toMatchObject({
      path: '/test_connection',
      method: 'POST',
      port: 'controller',
      bodyIncludes: 'success',
    });
    expect(fastchat.start[1]!.readyCheck).toMatchObject({ path: '/worker_get_status', port: 'worker' });
    expect(fastchat.start[2]!.argv.slice(-6)).toEqual([
      '--host',
      '{host}',
      '--port',
      '{port}',
      '--controller-address',
      'http://{host}:{ports.controller}',
    ]);
    expect(fastchat.health.path).toBe('/v1/models');
  });

  it('pin a version for everything they install', () => {
    for (const recipe of recipes.filter((r) => ['git', 'python', 'binary'].includes(r.install.strategy))) {
      expect({ id: recipe.id, version: recipe.version, repository: recipe.repository }).toEqual({
        id: recipe.id,
        version: expect.any(String),
        repository: expect.stringMatching(/^https:\/\/github\.com\//),
      });
    }
    const python = recipes.flatMap((r) => (r.install.strategy === 'python' ? r.install.packages : []));
    expect(python.filter((p) => /^(vllm|fschat|mlx-lm)\b/.test(p)).every((p) => p.includes('=='))).toBe(true);
  });

  it('state a sha256 for every binary download over https; LocalAI has no real one yet, so its install refuses', async () => {
    const assets = recipes.flatMap((r) => (r.install.strategy === 'binary' ? r.install.assets.map((a) => ({ id: r.id, ...a })) : []));
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset.url).toMatch(/^https:\/\//);
      expect(asset.sha256 === null || /^[a-f0-9]{64}$/.test(asset.sha256 ?? '')).toBe(true);
    }
    // Not invented: null until the published values are checked (see localai.ts).
    expect(assets.filter((a) => a.sha256 === null).map((a) => a.id)).toEqual(['localai', 'localai', 'localai']);
    const machine = { os: 'linux', arch: 'x64', accelerator: 'none' } as const;
    expect(() => planInstall(byId('localai'), {}, machine, 'install')).toThrow(
      /^No pinned checksum for LocalAI v3\.7\.0's linux\/x64 download/,
    );
    const planned = planInstall(byId('localai'), { install: { sha256: 'AB'.repeat(32) } }, machine, 'install');
    expect(planned.find((s) => s.kind === 'download')).toMatchObject({ asset: { sha256: 'ab'.repeat(32) } });
  });

  it('are refused at load when a binary download states no sha256 at all', async () => {
    const localai = BUILTIN_RECIPES.find((r) => r.id === 'localai')!;
    const install = localai.install as Extract<RecipeInput['install'], { strategy: 'binary' }>;
    const careless = { ...localai, install: { ...install, assets: install.assets.map(({ sha256: _dropped, ...asset }) => asset) } };
    await expect(Catalog.load({ builtins: [careless], userDir: '/nonexistent' })).rejects.toThrow(
      /Built-in recipe "localai" downloads without stating a sha256/,
    );
  });
});

/** The exact signals of provider-facts.md: health probes and how a probe tells who answered. */
describe('health and identity match provider-facts.md', () => {
  const signals = (recipe: ProviderRecipe) => ({
    health: { path: recipe.health.path, status: recipe.health.status, bodyIncludes: recipe.health.bodyIncludes, json: recipe.health.json },
    identify: recipe.identify.map((rule) => ({ ...rule, method: undefined, status: undefined, versionField: undefined })),
  });
  const rule = (fields: Record<string, unknown>) => ({
    method: undefined,
    status: undefined,
    versionField: undefined,
    header: undefined,
    bodyIncludes: undefined,
    json: undefined,
    imitatedBy: undefined,
    required: undefined,
    ...fields,
  });

  it('Ollama: "/" says "Ollama is running"; /api/version is its own; /api/tags is shared', () => {
    expect(signals(byId('ollama'))).toEqual({
      health: { path: '/', status: [200], bodyIncludes: 'Ollama is running', json: undefined },
      identify: [
        // LocalAI imitates both: its own endpoint outranks them (imitatedBy). llama-swap answers
        // /api/version too, but every Ollama answers "/" so and llama-swap does not (required).
        rule({ path: '/api/version', json: { version: { exists: true } }, strength: 'strong', imitatedBy: ['localai', 'llama-swap'] }),
        rule({ path: '/', bodyIncludes: 'Ollama is running', strength: 'strong', imitatedBy: ['localai'], required: true }),
        rule({ path: '/api/tags', json: { models: { exists: true } }, strength: 'weak' }),
      ],
    });
    expect(byId('ollama').models).toEqual({ path: '/api/tags', format: 'ollama' });
    expect(byId('ollama').start[0]!.env).toEqual({ OLLAMA_HOST: '{host}:{port}' });
  });

  it('llama-server: /health {"status":"ok"}; header Server: llama.cpp, /props, llamacpp: metrics', () => {
    expect(signals(byId('llamacpp'))).toEqual({
      health: { path: '/health', status: [200], bodyIncludes: undefined, json: { status: 'ok' } },
      identify: [
        rule({ path: '/health', header: { name: 'Server', includes: 'llama.cpp' }, strength: 'strong', imitatedBy: ['engine'] }),
        rule({
          path: '/props',
          json: { build_info: { exists: true }, total_slots: { exists: true } },
          strength: 'strong',
          imitatedBy: ['engine'],
        }),
        rule({ path: '/metrics', bodyIncludes: 'llamacpp:', strength: 'strong' }),
        rule({ path: '/v1/models', json: { 'data.0.owned_by': 'llamacpp' }, strength: 'weak' }),
      ],
    });
  });

  it('vLLM: /health 200 with an empty body; /version and vllm: metrics', () => {
    expect(signals(byId('vllm'))).toEqual({
      health: { path: '/health', status: [200], bodyIncludes: undefined, json: undefined },
      identify: [
        rule({ path: '/version', json: { version: { exists: true } }, strength: 'strong', imitatedBy: ['localai'], required: true }),
        rule({ path: '/metrics', bodyIncludes: 'vllm:', strength: 'strong' }),
        rule({ path: '/v1/models', json: { 'data.0.owned_by': 'vllm' }, strength: 'weak' }),
      ],
    });
  });

  it('LM Studio: /lmstudio-greeting {"lmstudio":true}; owned_by organization_owner is weak', () => {
    expect(signals(byId('lmstudio'))).toEqual({
      health: { path: '/lmstudio-greeting', status: [200], bodyIncludes: undefined, json: { lmstudio: true } },
      identify: [
        rule({ path: '/lmstudio-greeting', json: { lmstudio: true }, strength: 'strong' }),
        rule({ path: '/v1/models', json: { 'data.0.owned_by': 'organization_owner' }, strength: 'weak' }),
      ],
    });
  });

  it('KoboldCpp: /api/extra/version result KoboldCpp (imitated by TabbyAPI, so weak); its Server header is strong', () => {
    expect(signals(byId('koboldcpp'))).toEqual({
      health: { path: '/api/extra/version', status: [200], bodyIncludes: undefined, json: { result: 'KoboldCpp' } },
      identify: [
        rule({
          path: '/api/extra/version',
          header: { name: 'Server', includes: 'ConcedoLlamaForKoboldServer' },
          strength: 'strong',
          required: true,
        }),
        rule({ path: '/api/extra/version', json: { result: 'KoboldCpp' }, strength: 'weak' }),
        rule({ path: '/v1/models', json: { 'data.0.owned_by': 'koboldcpp' }, strength: 'weak' }),
      ],
    });
  });

  it('TabbyAPI: /health {"status":"healthy"}; /.well-known/serviceinfo names it', () => {
    expect(signals(byId('tabbyapi'))).toEqual({
      health: { path: '/health', status: [200], bodyIncludes: undefined, json: { status: 'healthy' } },
      identify: [
        rule({ path: '/.well-known/serviceinfo', json: { 'software.name': 'TabbyAPI' }, strength: 'strong' }),
        rule({ path: '/v1/models', json: { 'data.0.owned_by': 'tabbyAPI' }, strength: 'weak' }),
      ],
    });
  });

  it('LocalAI: /readyz (503 while preloading); /.well-known/localai.json is its own', () => {
    expect(signals(byId('localai'))).toEqual({
      health: { path: '/readyz', status: [200], bodyIncludes: undefined, json: undefined },
      identify: [
        rule({ path: '/.well-known/localai.json', json: { endpoints: { exists: true } }, strength: 'strong' }),
        rule({ path: '/version', json: { version: { exists: true } }, strength: 'weak' }),
      ],
    });
  });

  it('llama-swap: /health "OK" (shared with mistral.rs, so weak); its owned_by and /api/version shape are its own', () => {
    const swap = byId('llama-swap');
    expect(signals(swap)).toEqual({
      health: { path: '/health', status: [200], bodyIncludes: 'OK', json: undefined },
      identify: [
        rule({ path: '/v1/models', json: { 'data.0.owned_by': 'llama-swap' }, strength: 'strong' }),
        rule({
          path: '/api/version',
          json: { version: { exists: true }, commit: { exists: true }, build_date: { exists: true } },
          strength: 'strong',
        }),
        rule({ path: '/health', bodyIncludes: 'OK', strength: 'weak' }),
      ],
    });
    expect(swap).toMatchObject({ defaultPort: 8080, install: { strategy: 'external', detect: { commands: ['llama-swap'] } }, start: [] });
    expect(swap.portNote).toMatch(/8080/);
    expect(swap.startHint).toMatch(/--config/);
  });

  it('the others probe what their table rows say', () => {
    expect(byId('textgen').health).toMatchObject({ path: '/v1/internal/health', json: { status: 'ok' } });
    expect(byId('mistralrs').health).toMatchObject({ path: '/health', bodyIncludes: 'OK' });
    expect(byId('mlx-lm').health).toMatchObject({ path: '/health', json: { status: 'ok' } });
    expect(byId('fastchat').identify).toEqual([expect.objectContaining({ json: { 'data.0.owned_by': 'fastchat' }, strength: 'strong' })]);
    expect(byId('gpt4all').identify).toEqual([expect.objectContaining({ json: { 'data.0.owned_by': 'humanity' } })]);
    expect(byId('gpt4all').health.path).toBe('/v1/models');
    expect(byId('jan').health.path).toBe('/v1/models');
    expect(byId('jan').identify).toEqual([
      expect.objectContaining({ path: '/openapi.json', bodyIncludes: 'Jan API Server Endpoints', strength: 'strong' }),
      expect.objectContaining({ json: { 'data.0.owned_by': 'user', 'data.0.created': 1 }, strength: 'weak' }),
    ]);
    expect(byId('textgen').identify).toEqual([
      expect.objectContaining({ path: '/v1/internal/model/info', strength: 'strong', required: true }),
      expect.objectContaining({ json: { 'data.0.owned_by': 'user' }, strength: 'weak' }),
    ]);
    expect(byId('mlx-lm').identify).toEqual([
      expect.objectContaining({ header: { name: 'Server', includes: 'BaseHTTP' }, json: { status: 'ok' }, strength: 'strong' }),
    ]);
  });
});
