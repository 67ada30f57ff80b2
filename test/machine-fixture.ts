import { RecipeSchema } from '../shared/recipe';
import type { HostOs, ToolInfo } from '../shared/system';
import { BUILTIN_RECIPES } from '../main/builtin-recipes/builtin';

// Pieces of made-up machines for the system-check tests: tools found or not, a Mac host, the built-in recipes parsed.

export const GIB = 1024 ** 3;

/** The built-in recipes as the catalog parses them. */
export const PARSED_BUILTIN_RECIPES = BUILTIN_RECIPES.map((input) => RecipeSchema.parse(input));

/** A tool found in /usr/bin, with the version it printed if any. */
export const tool = (id: string, name: string, version?: string): ToolInfo => ({
  id,
  name,
  found: true,
  path: `/usr/bin/${id}`,
  ...(version ? { version } : {}),
});

/** A tool not found. */
export const absent = (id: string, name: string): ToolInfo => ({ id, name, found: false });

/** macOS 14.5 on Apple Silicon, with Homebrew. */
export const MAC_HOST: HostOs = {
  platform: 'darwin',
  arch: 'arm64',
  distroId: 'macos',
  distroName: 'macOS 14.5',
  packageManager: 'brew',
  packageManagerFound: true,
};
