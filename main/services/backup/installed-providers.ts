import path from 'node:path';
import { z } from 'zod';
import type { ProviderRecipe } from '../../../shared/recipe';
import { INSTALL_MARKER } from '../installer/install-state';
import { readCappedFile } from '../os/read-capped-file';

const MarkerSchema = z.object({ version: z.string().optional(), installedAt: z.string().optional() }).passthrough();

export interface InstalledProvider {
  id: string;
  version?: string;
  installedAt?: string;
}

/**
 * The providers our installer put on this machine: those with the marker it writes once every
 * step succeeded (git, python, binary). Built-in ones need no install and desktop apps are the
 * user's own, so neither is listed: a restore could not reinstall them.
 */
export async function installedProviders(recipes: readonly ProviderRecipe[], dataDir: string): Promise<InstalledProvider[]> {
  const found: InstalledProvider[] = [];
  for (const recipe of recipes) {
    const strategy = recipe.install.strategy;
    if (strategy !== 'git' && strategy !== 'python' && strategy !== 'binary') continue;
    let text: string;
    try {
      text = await readCappedFile(path.join(dataDir, recipe.id, INSTALL_MARKER), 64 * 1024);
    } catch {
      continue;
    }
    let marker: z.infer<typeof MarkerSchema> = {};
    try {
      marker = MarkerSchema.parse(JSON.parse(text));
    } catch {
      // Installed all the same (the installer wrote it); only its version is unknown.
    }
    found.push({
      id: recipe.id,
      ...(marker.version ? { version: marker.version } : {}),
      ...(marker.installedAt ? { installedAt: marker.installedAt } : {}),
    });
  }
  return found;
}
