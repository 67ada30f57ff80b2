import { pickPort } from '../../main/services/os/ports';
import { AppShell } from '../pages/app-shell';
import { ProvidersPage } from '../pages/providers-page';
import { freshDirs, startCliHost } from './host-process';
import type { e2eSession } from './session';
import { writeStandInRecipe } from './stand-in-recipe';

/**
 * A host on fresh dirs with the stand-in recipe on a free port (its other options as given), and
 * the Providers page in the browser once the stand-in shows as installed.
 */
export async function openStandInProviders(
  session: ReturnType<typeof e2eSession>,
  recipe: Omit<Parameters<typeof writeStandInRecipe>[1], 'port'> = {},
) {
  const dirs = await freshDirs();
  const port = await pickPort(18000 + Math.floor(Math.random() * 1000));
  await writeStandInRecipe(dirs.baseDir, { port, ...recipe });
  session.host = await startCliHost(dirs);
  const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(session.host.url);
  await new AppShell(page).open('providers');
  const providers = new ProvidersPage(page);
  await providers.waitStatus('standin', 'installed');
  return { dirs, port, page, providers };
}
