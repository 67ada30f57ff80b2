import { AppFailure } from '../../../shared/errors';
import type { ProviderRecipe } from '../../../shared/recipe';

/** Why an install, update or uninstall of `recipe` cannot begin now, if it cannot. */
export function busyRefusal(
  recipe: ProviderRecipe,
  now: { busy: boolean; interrupted: boolean; running: boolean },
): AppFailure | undefined {
  if (now.busy) {
    return new AppFailure({
      code: 'CONFLICT',
      message: `${recipe.name} is already being installed.`,
      hint: 'Wait for it, or cancel it first.',
    });
  }
  if (now.interrupted) {
    return new AppFailure({
      code: 'CONFLICT',
      message: `An install of ${recipe.name} was interrupted.`,
      hint: 'Resume it or roll it back first.',
    });
  }
  if (now.running) return new AppFailure({ code: 'CONFLICT', message: `${recipe.name} is running.`, hint: 'Stop it first.' });
  return undefined;
}
