import type { RecipeInput } from '../../../shared/recipe';
import { ANY_GPU_NO_TOOLS, OPENAI_MODEL_LIST } from '../recipe-parts';

const RELEASE = 'https://github.com/mudler/LocalAI/releases/download/v3.7.0';

// LocalAI reads app settings from flags, not a file; this file is its --models-config-file.
const CONFIG = `# LocalAI model definitions (read with --models-config-file): a list of model configs.
# The seed spec's address and models-path are LocalAI flags the manager passes at start
# (--address {host}:{port} --models-path {modelsDir}); its web UI and gallery are on by default.
# Every model file in the models folder is served under its file name. To give one another
# name, as the spec does, add an entry like:
#
# - name: gpt-3.5-turbo
#   backend: llama-cpp
#   context_size: 4096
#   f16: true
#   parameters:
#     model: llama-2-7b-chat.Q4_K_M.gguf
[]
`;

/** The release binary: since v3 it is small and fetches inference backends on first use. */
export const localai: RecipeInput = {
  id: 'localai',
  name: 'LocalAI',
  description:
    'Drop-in OpenAI replacement: GGUF and other model formats, embeddings, image and audio generation. Serves every model file in the models folder.',
  homepage: 'https://localai.io',
  repository: 'https://github.com/mudler/LocalAI',
  version: 'v3.7.0',
  defaultPort: 8080,
  api: 'openai',
  platforms: [
    { os: 'linux', arch: ['x64', 'arm64'] },
    { os: 'darwin', arch: ['arm64'] },
  ],
  requirements: ANY_GPU_NO_TOOLS,
  installEstimate: { diskGiB: 0.3, minutes: 2 },
  install: {
    strategy: 'binary',
    // No checksums: they could not be read from the published release when this recipe was
    // written, and a guessed value is worse than none. Until real ones are pinned here, the
    // install refuses and asks for the sha256 in settings (providers.localai.install.sha256).
    // To pin: hash each v3.7.0 asset and check the values against what the project publishes.
    assets: [
      { os: 'linux', arch: 'x64', url: `${RELEASE}/local-ai-v3.7.0-linux-amd64`, sha256: null, archive: 'none', executable: 'local-ai' },
      { os: 'linux', arch: 'arm64', url: `${RELEASE}/local-ai-v3.7.0-linux-arm64`, sha256: null, archive: 'none', executable: 'local-ai' },
      {
        os: 'darwin',
        arch: 'arm64',
        url: `${RELEASE}/local-ai-v3.7.0-darwin-arm64`,
        sha256: null,
        archive: 'none',
        executable: 'local-ai',
      },
    ],
  },
  start: [
    {
      name: 'server',
      argv: [
        '{dataDir}/local-ai',
        'run',
        '--address',
        '{host}:{port}',
        '--models-path',
        '{modelsDir}',
        '--models-config-file',
        '{configDir}/config.yaml',
      ],
    },
  ],
  // /readyz answers 503 {"status":"starting"} while models preload; /healthz only says the process is up.
  health: { path: '/readyz', status: [200] },
  identify: [
    { path: '/.well-known/localai.json', json: { endpoints: { exists: true } }, strength: 'strong', versionField: 'version' },
    // vLLM answers /version with a version too.
    { path: '/version', json: { version: { exists: true } }, strength: 'weak', versionField: 'version' },
  ],
  models: OPENAI_MODEL_LIST,
  config: [{ file: 'config.yaml', template: CONFIG }],
};
