import type { RecipeInput } from '../../shared/recipe';
import { engine } from './recipes/engine';
import { fastchat } from './recipes/fastchat';
import { gpt4all } from './recipes/gpt4all';
import { jan } from './recipes/jan';
import { koboldcpp } from './recipes/koboldcpp';
import { llamaSwap } from './recipes/llama-swap';
import { llamacpp } from './recipes/llamacpp';
import { lmstudio } from './recipes/lmstudio';
import { localai } from './recipes/localai';
import { mistralrs } from './recipes/mistralrs';
import { mlxLm } from './recipes/mlx-lm';
import { ollama } from './recipes/ollama';
import { tabbyapi } from './recipes/tabbyapi';
import { textgen } from './recipes/textgen';
import { vllm } from './recipes/vllm';

/**
 * The built-in providers, in the order the UI lists them: the app's own engine, then the servers
 * people most often already have, then the seed spec's table, then the specialised ones, then
 * llama-swap, a proxy in front of other servers.
 *
 * Versions are pinned to releases (or, where a project publishes no tags, commits) known at the
 * time of writing; bump them deliberately and re-check the recipe against provider-facts.md.
 * External apps (LM Studio, Jan, GPT4All, Ollama, llama-swap) carry no version: the user installs and updates them.
 */
export const BUILTIN_RECIPES: readonly RecipeInput[] = [
  engine,
  ollama,
  llamacpp,
  lmstudio,
  vllm,
  localai,
  fastchat,
  textgen,
  jan,
  koboldcpp,
  gpt4all,
  tabbyapi,
  mlxLm,
  mistralrs,
  llamaSwap,
];
