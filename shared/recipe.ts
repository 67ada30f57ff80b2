import { z } from 'zod';
import { PROVIDER_ID_PATTERN } from './ids';
import { TOOL_IDS } from './system';

/**
 * A provider recipe: everything the manager needs to install, configure, start, probe and
 * recognise one local LLM server. Built-ins are TypeScript objects, user recipes YAML files in
 * config/providers.d/; both are checked by this one schema.
 */

export { PROVIDER_ID_PATTERN };
export const ProviderId = z.string().regex(PROVIDER_ID_PATTERN, 'must be 2-40 lowercase letters, digits or dashes, starting with a letter');

/**
 * Names usable as `{name}` in argv, env, cwd and config templates. `{ports.NAME}` names an extra port.
 * `venvPython` is the interpreter of the venv at `{dataDir}/venv` (`bin/python`, or `Scripts\python.exe` on
 * Windows), so one recipe starts a Python provider on every OS.
 */
export const PLACEHOLDERS = [
  'host',
  'port',
  'model',
  'modelsDir',
  'dataDir',
  'configDir',
  'binDir',
  'logsDir',
  'baseDir',
  'venvPython',
  /** The Node runtime the app runs on: node headless; in the desktop app a `{node} script` process runs as an Electron utility process. */
  'node',
  /** The built-in engine's entry script. */
  'engineEntry',
] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

const Port = z.number().int().min(1).max(65535);
const Argv = z.array(z.string().min(1)).min(1, 'needs at least the program to run');
const Env = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name'), z.string());
const HttpPath = z.string().startsWith('/', 'must start with /');
/** A value a JSON field must equal, or `{ exists: true }`. */
const JsonExpectation = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.object({ exists: z.literal(true) }).strict()]),
);

export const HealthCheckSchema = z
  .object({
    path: HttpPath,
    method: z.enum(['GET', 'POST']).default('GET'),
    /** Which port to probe: the main one unless an extra port is named. */
    port: z.string().optional(),
    /** Accepted status codes. */
    status: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
    bodyIncludes: z.string().optional(),
    /** Dotted paths into a JSON body, e.g. `{ "status": "ok" }`. */
    json: JsonExpectation.optional(),
    timeoutMs: z.number().int().min(100).max(60_000).default(3000),
  })
  .strict();
export type HealthCheck = z.infer<typeof HealthCheckSchema>;

export const IdentifyRuleSchema = z
  .object({
    path: HttpPath,
    method: z.enum(['GET', 'POST']).default('GET'),
    status: z.array(z.number().int()).optional(),
    header: z
      .object({ name: z.string().min(1), includes: z.string() })
      .strict()
      .optional(),
    bodyIncludes: z.string().optional(),
    json: JsonExpectation.optional(),
    /** A provider's own endpoint is strong; an imitation other servers also answer is weak. */
    strength: z.enum(['strong', 'weak']),
    /**
     * Providers known to give this same answer (LocalAI imitates Ollama's /api/version): when one of
     * them shows a strong signal of its own, this match counts as weak only.
     */
    imitatedBy: z.array(ProviderId).optional(),
    /**
     * Every running instance of this provider answers so: a server that answers this path otherwise
     * (not 401/403, not a 5xx) is not this provider, whatever else it shares with it.
     */
    required: z.boolean().optional(),
    /** Dotted path of the version in the JSON body, when this answer carries one. */
    versionField: z.string().optional(),
  })
  .strict();
export type IdentifyRule = z.infer<typeof IdentifyRuleSchema>;

export const ProcessSpecSchema = z
  .object({
    /** e.g. "server"; FastChat has "controller", "worker" and "api". */
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    argv: Argv,
    env: Env.default({}),
    /** Working directory; defaults to {dataDir}. */
    cwd: z.string().optional(),
    /**
     * This process counts as started once this answers; the next process is launched only then
     * (FastChat: controller, then worker, then API server).
     */
    readyCheck: HealthCheckSchema.optional(),
  })
  .strict();
export type ProcessSpec = z.infer<typeof ProcessSpecSchema>;

const OsName = z.enum(['linux', 'darwin', 'win32']);
const Arch = z.enum(['x64', 'arm64']);

/**
 * The machine's main accelerator: the first of nvidia, amd, apple, intel among its GPUs, else none.
 * Build steps differ by it (llama.cpp's CUDA build, TabbyAPI's ROCm wheels).
 */
export const ACCELERATORS = ['nvidia', 'amd', 'apple', 'intel', 'none'] as const;
export type Accelerator = (typeof ACCELERATORS)[number];

/** Machines a step (or a required tool) applies to: every field given must match. */
const When = z
  .object({
    os: z.array(OsName).min(1).optional(),
    arch: z.array(Arch).min(1).optional(),
    accelerator: z.array(z.enum(ACCELERATORS)).min(1).optional(),
  })
  .strict();

export const StepSchema = z
  .object({
    name: z.string().min(1),
    argv: Argv,
    cwd: z.string().optional(),
    env: Env.default({}),
    /** Run the step only on machines matching every field given; without `when` it always runs. */
    when: When.optional(),
  })
  .strict();
export type InstallStep = z.infer<typeof StepSchema>;

export const InstallSchema = z.discriminatedUnion('strategy', [
  z
    .object({
      strategy: z.literal('git'),
      /** When set, a venv is made at {dataDir}/venv with a Python in this range before the build steps run. */
      python: z.string().optional(),
      build: z.array(StepSchema).default([]),
    })
    .strict(),
  z
    .object({
      strategy: z.literal('python'),
      /** Pinned requirement specifiers, e.g. "vllm==0.6.3". */
      packages: z.array(z.string().min(1)).min(1),
      python: z.string().default('>=3.10'),
      build: z.array(StepSchema).default([]),
    })
    .strict(),
  z
    .object({
      strategy: z.literal('binary'),
      assets: z
        .array(
          z
            .object({
              os: OsName,
              arch: Arch,
              url: z.url(),
              /**
               * The file's sha256 (64 lowercase hex). Built-in recipes must state it for every asset;
               * `null` says no checksum is known for this release yet, and the install refuses until
               * the user supplies one (settings: providers.<id>.install.sha256). A user recipe may leave
               * it out: then the download must be https all the way.
               */
              sha256: z
                .string()
                .regex(/^[a-f0-9]{64}$/, 'must be 64 lowercase hex characters')
                .nullable()
                .optional(),
              archive: z.enum(['zip', 'tar.gz', 'none']).default('none'),
              /** Relative to {dataDir}, where the asset is saved (archive: none) or unpacked. */
              executable: z.string().min(1),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
  z
    .object({
      strategy: z.literal('external'),
      /** The vendor's download page, shown when the app is not found. */
      downloadUrl: z.url(),
      detect: z
        .object({
          /** Executables on PATH that show the app is installed. */
          commands: z.array(z.string().min(1)).default([]),
          /** Per-OS paths that show it; `~` is the home folder. */
          paths: z.partialRecord(OsName, z.array(z.string().min(1))).default({}),
        })
        .strict(),
    })
    .strict(),
  /** Nothing to install: the command is already on the machine (user recipes, stand-ins). */
  z.object({ strategy: z.literal('none') }).strict(),
  /** Ships with the app (the built-in engine). */
  z.object({ strategy: z.literal('builtin') }).strict(),
]);
export type InstallPlan = z.infer<typeof InstallSchema>;

export const RecipeSchema = z
  .object({
    id: ProviderId,
    /** Other ids that name this recipe (koboldai → koboldcpp). */
    aliases: z.array(ProviderId).default([]),
    name: z.string().min(1).max(80),
    description: z.string().min(1).max(400),
    homepage: z.url(),
    repository: z.url().optional(),
    /** The pinned tag, release or commit we install and test against. */
    version: z.string().min(1).optional(),
    defaultPort: Port,
    /** Where the provider's own default differs from the original spec, and why ours is what it is. */
    portNote: z.string().optional(),
    /** Other ports by name, usable as `{ports.NAME}` (FastChat's controller and worker). */
    extraPorts: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), Port).default({}),
    api: z.enum(['openai', 'ollama', 'kobold']),
    platforms: z.array(z.object({ os: OsName, arch: z.array(Arch).min(1).default(['x64', 'arm64']) }).strict()).min(1),
    requirements: z
      .object({
        gpu: z
          .object({
            vendors: z.array(z.enum(['nvidia', 'amd', 'apple', 'intel'])).min(1),
            minVramGiB: z.number().positive().optional(),
            /** false: runs without a GPU, only slower. */
            required: z.boolean().default(true),
          })
          .strict()
          .optional(),
        minRamGiB: z.number().positive().optional(),
        /** Tools the install needs, beyond those its strategy and build steps imply; `when` limits one to some machines (nvcc for CUDA builds). */
        tools: z
          .array(
            z
              .object({
                id: z.enum(TOOL_IDS, { error: `must be one of ${TOOL_IDS.join(', ')}` }),
                min: z
                  .string()
                  .regex(/^\d+(\.\d+)*$/, 'must be a version like 3.10 or 1.86.0')
                  .optional(),
                when: When.optional(),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ tools: [] }),
    install: InstallSchema,
    /**
     * Exit codes that mean "misconfigured, retrying will not help" (the built-in engine exits 78,
     * EX_CONFIG, for a missing or broken model): the provider fails at once instead of restarting.
     */
    fatalExitCodes: z.array(z.number().int().min(1).max(255)).default([]),
    /**
     * What {model} names: `gguf` is a file from the shared models folder (expanded to its full path,
     * and the UI offers the folder's GGUF files); `name` is passed as given (a Hugging Face id, a
     * folder, a name the provider knows).
     */
    modelInput: z.enum(['gguf', 'name']).optional(),
    /** Rough size on disk after install and time to install on a typical machine, for the wizard. */
    installEstimate: z.object({ diskGiB: z.number().positive(), minutes: z.number().positive() }).strict().optional(),
    /** Processes started in order; the last one serves the API on {port}. Empty only for external apps. */
    start: z.array(ProcessSpecSchema).default([]),
    /** For external apps the manager cannot start (Jan, GPT4All): how the user turns their API server on. */
    startHint: z.string().min(1).optional(),
    /** For external apps with a CLI: how to stop what `start` started (e.g. `lms server stop`). */
    stop: Argv.optional(),
    health: HealthCheckSchema,
    identify: z.array(IdentifyRuleSchema).default([]),
    models: z
      .object({ path: HttpPath, format: z.enum(['openai', 'ollama', 'kobold']) })
      .strict()
      .default({ path: '/v1/models', format: 'openai' }),
    /**
     * A key the provider writes itself at its first start (TabbyAPI's api_tokens.yml in its working
     * folder): read after each start and sent with every request to it, so its locked API serves
     * the gateway without the user copying the key anywhere. YAML or JSON; `field` is a dotted path.
     */
    keyFile: z
      .object({
        file: z
          .string()
          .min(1)
          .refine((f) => !f.startsWith('/') && !f.split(/[\\/]/).includes('..'), 'must be a relative path inside data/<id>/'),
        field: z.string().min(1),
      })
      .strict()
      .optional(),
    /** Files written under config/<id>/ at install, from templates with placeholders. */
    config: z
      .array(
        z
          .object({
            file: z
              .string()
              .min(1)
              .refine((f) => !f.startsWith('/') && !f.split(/[\\/]/).includes('..'), 'must be a relative path inside config/<id>/'),
            template: z.string(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((recipe, ctx) => {
    if (recipe.start.length === 0 && recipe.install.strategy !== 'external') {
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'needs at least one process (only external apps may have none)' });
    }
    if (recipe.start.length === 0 && !recipe.startHint) {
      ctx.addIssue({
        code: 'custom',
        path: ['startHint'],
        message: 'is required when there is nothing to start: say how the user starts the server',
      });
    }
  });

export type ProviderRecipe = z.infer<typeof RecipeSchema>;
export type RecipeInput = z.input<typeof RecipeSchema>;

/**
 * Binary downloads of a recipe that do not state their sha256 at all (neither a value nor null).
 * A built-in recipe with any is a bug: every binary we ship a recipe for is verified, or says
 * plainly that it cannot be yet.
 */
export function unstatedChecksums(recipe: ProviderRecipe): string[] {
  if (recipe.install.strategy !== 'binary') return [];
  return recipe.install.assets.filter((asset) => asset.sha256 === undefined).map((asset) => `${asset.os}/${asset.arch} ${asset.url}`);
}
