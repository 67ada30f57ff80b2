import { bench, describe } from 'vitest';
import { BUILTIN_RECIPES } from '../main/builtin-recipes/builtin';
import { DiscoveryService } from '../main/services/discovery/discovery';
import { probeRequests } from '../main/services/discovery/fingerprint';
import { isPortFree, pickPort } from '../main/services/os/ports';
import { RecipeSchema } from '../shared/recipe';

// A full discovery scan of every catalog default port with nothing listening, against two naive
// ways of asking the same ports, in one run. The catalog's distinct default ports are remapped to
// ports checked free right now (same count), so a server this machine happens to run on 8080
// cannot turn "nothing listening" into something else.
const catalog = BUILTIN_RECIPES.map((input) => RecipeSchema.parse(input));
const distinct = [...new Set(catalog.map((r) => r.defaultPort))];
const remap = new Map<number, number>();
for (const port of distinct) {
  let free = await pickPort(20000 + Math.floor(Math.random() * 20000), { exclude: remap.values() });
  while (!(await isPortFree(free))) free = await pickPort(free + 1, { exclude: remap.values() });
  remap.set(port, free);
}
const recipes = catalog.map((r) => ({ ...r, defaultPort: remap.get(r.defaultPort)! }));
const ports = [...remap.values()];
const paths = probeRequests(recipes).map((r) => r.path);

const discovery = new DiscoveryService({
  recipes: () => recipes,
  ownPorts: () => new Map(),
  settings: () => ({ endpoints: [], intervalSec: 0 }),
  scanDefaultPorts: true,
});
const once = await discovery.scan();
if (once.servers.length > 0 || once.probed !== ports.length) throw new Error('expected an empty scan of every default port');
console.log(
  `discovery scan: ${ports.length} default ports (${catalog.length} recipes), nothing listening, one scan took ${once.durationMs} ms`,
);

const tryFetch = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.body?.cancel(),
    () => undefined,
  );

describe(`scan of all ${ports.length} catalog default ports, nothing listening`, () => {
  bench('our discovery scan (parallel, one TCP connect per port)', async () => {
    await discovery.scan();
  });

  bench('naive: GET /v1/models on each port, one after another', async () => {
    for (const port of ports) await tryFetch(`http://127.0.0.1:${port}/v1/models`);
  });

  bench(`naive: every identify path (${paths.length}) on every port at once, no TCP check`, async () => {
    await Promise.all(ports.flatMap((port) => paths.map((path) => tryFetch(`http://127.0.0.1:${port}${path}`))));
  });
});
