import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPortFree, pickPort, whoHolds } from './ports';

const open: Server[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

async function listen(port = 0): Promise<number> {
  const server = createServer();
  open.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('ports', () => {
  it('sees a taken port as taken, and picks the preferred port only when free', async () => {
    const taken = await listen();
    expect(await isPortFree(taken)).toBe(false);
    const other = await pickPort(taken);
    expect(other).not.toBe(taken);
    expect(await isPortFree(other)).toBe(true);
    expect(await pickPort(other)).toBe(other);
    expect(await pickPort(other, { exclude: [other] })).not.toBe(other);
  });

  it('names the process holding a port', async () => {
    const child = spawn(
      process.execPath,
      ['-e', "require('net').createServer().listen(0,'127.0.0.1',function(){console.log(this.address().port)})"],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const port = Number(await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d)))));
      const holder = await whoHolds(port);
      expect(holder?.pid).toBe(child.pid);
      expect(holder?.command).toContain('-e');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('finds no holder for a free port', async () => {
    const port = await pickPort(20000 + Math.floor(Math.random() * 20000));
    expect(await whoHolds(port)).toBeUndefined();
  });
});
