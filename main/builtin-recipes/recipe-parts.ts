import type { RecipeInput } from '../../shared/recipe';

type Requirements = NonNullable<RecipeInput['requirements']>;
type Tool = NonNullable<Requirements['tools']>[number];

/** Runs on any GPU or none and needs no tool of its own: an app the user installs, a self-contained binary. */
export const ANY_GPU_NO_TOOLS: Requirements = { gpu: { vendors: ['nvidia', 'amd', 'apple', 'intel'], required: false }, tools: [] };

/**
 * Compiled here from source with `buildTool`: faster on an NVIDIA (CUDA) or Apple (Metal) GPU, also
 * without one. CUDA builds compile kernels with nvcc; every build compiles C/C++.
 */
export function compiledHere(buildTool: Tool): Requirements {
  return {
    gpu: { vendors: ['nvidia', 'apple'], required: false },
    tools: [buildTool, { id: 'c-compiler' }, { id: 'nvcc', when: { accelerator: ['nvidia'] } }],
  };
}

/** The OpenAI-style model list (`GET /v1/models`), which every `api: 'openai'` server answers. */
export const OPENAI_MODEL_LIST: RecipeInput['models'] = { path: '/v1/models', format: 'openai' };
