import { AppFailure } from '../../../shared/errors';
import type { ProviderRecipe } from '../../../shared/recipe';
import { isPortFree, pickPort, portTakenMessage } from '../os/ports';

export interface AllocatedPorts {
  port: number;
  extraPorts: Record<string, number>;
}

/**
 * A provider's main port and its extra ports (FastChat's controller and worker), none of them in
 * `taken` (the ports of the providers already running). A pinned port that is taken is a conflict
 * naming who holds it, never a move.
 */
export async function allocatePorts(
  recipe: ProviderRecipe,
  options: { host: string; pinned?: number; taken: ReadonlySet<number> },
): Promise<AllocatedPorts> {
  const taken = new Set(options.taken);
  const { host, pinned } = options;
  let port: number;
  if (pinned !== undefined) {
    if (taken.has(pinned) || !(await isPortFree(pinned, host))) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${recipe.name} cannot start: ${await portTakenMessage(pinned)}`,
        hint: `Stop that process, or choose another port for ${recipe.name} (or un-pin it so a free one is picked).`,
      });
    }
    port = pinned;
  } else {
    port = await pickPort(recipe.defaultPort, { host, exclude: taken });
  }
  taken.add(port);
  const extraPorts: Record<string, number> = {};
  for (const [name, preferred] of Object.entries(recipe.extraPorts)) {
    extraPorts[name] = await pickPort(preferred, { host, exclude: taken });
    taken.add(extraPorts[name]);
  }
  return { port, extraPorts };
}

/**
 * A restart keeps its port unless someone else took it meanwhile: then an unpinned provider moves
 * to a free one, and a pinned one cannot start (the message names who holds it).
 */
export async function portForRestart(
  current: number,
  options: { host: string; pinned: boolean; preferred: number; taken: ReadonlySet<number> },
): Promise<{ port: number } | { conflict: string }> {
  if (await isPortFree(current, options.host)) return { port: current };
  if (options.pinned) return { conflict: await portTakenMessage(current) };
  return { port: await pickPort(options.preferred, { host: options.host, exclude: options.taken }) };
}
