import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { standInRecipe } from '../../../test/stand-in';
import { portTakenMessage } from '../os/ports';
import { allocatePorts, portForRestart } from './port-allocation';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function holdPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

const host = '127.0.0.1';

describe('allocatePorts', () => {
  it('takes the default port when free, and distinct extra ports beside it', async () => {
    const free = await holdPort();
    servers.pop()!.close();
    const recipe = standInRecipe({ defaultPort: free, extraPorts: { controller: free, worker: free } });
    const { port, extraPorts } = await allocatePorts(recipe, { host, taken: new Set() });
    expect(port).toBe(free);
    expect(new Set([port, extraPorts.controller, extraPorts.worker]).size).toBe(3);
  });

  it('moves off a taken default port and off ports other providers use', async () => {
    const taken = await holdPort();
    const { port } = await allocatePorts(standInRecipe({ defaultPort: taken }), { host, taken: new Set() });
    expect(port).not.toBe(taken);
    const other = await allocatePorts(standInRecipe({ defaultPort: port }), { host, taken: new Set([port]) });
    expect(other.port).not.toBe(port);
  });

  it('refuses a pinned port that is taken, or that another provider uses, with a CONFLICT naming it', async () => {
    const taken = await holdPort();
    const error = await allocatePorts(standInRecipe(), { host, pinned: taken, taken: new Set() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT' });
    expect((error as Error).message).toContain(`port ${taken} is already in use by PID ${process.pid}`);
    const ours = await allocatePorts(standInRecipe(), { host, pinned: 1234, taken: new Set([1234]) }).catch((e: unknown) => e);
    expect(ours).toMatchObject({ code: 'CONFLICT' });
  });
});

describe('portForRestart', () => {
  it('keeps a port that is still free', async () => {
    const port = await holdPort();
    servers.pop()!.close();
    expect(await portForRestart(port, { host, pinned: false, preferred: port, taken: new Set([port]) })).toEqual({ port });
  });

  it('moves an unpinned provider whose port was taken meanwhile, and fails a pinned one', async () => {
    const taken = await holdPort();
    const moved = await portForRestart(taken, { host, pinned: false, preferred: taken, taken: new Set([taken]) });
    expect('port' in moved && moved.port !== taken).toBe(true);
    const pinned = await portForRestart(taken, { host, pinned: true, preferred: taken, taken: new Set([taken]) });
    expect(pinned).toEqual({ conflict: await portTakenMessage(taken) });
  });
});
