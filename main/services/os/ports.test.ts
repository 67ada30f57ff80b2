import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listeningSockets } from './listening-sockets';
import { isPortFree, listeningPorts, pickPort, whoHolds } from './ports';

const open: Server[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

async function listen(port = 0): Promise<number> {
  const server = createServer();
  open.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** A separate process listening on a free loopback port. */
async function listeningChild() {
  const child = spawn(
    process.execPath,
    ['-e', "require('net').createServer().listen(0,'127.0.0.1',function(){console.log(this.address().port)})"],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = Number(await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d)))));
  return { child, port };
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
    const { child, port } = await listeningChild();
    try {
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

  it.runIf(process.platform === 'linux')(
    'lists who listens where, keeping the last answer while the same sockets listen and asking ss again when they change',
    async () => {
      const first = await listeningChild();
      const second: { child?: ReturnType<typeof spawn> } = {};
      const path0 = process.env.PATH;
      try {
        expect((await listeningPorts()).get(first.port)).toBe(first.child.pid);
        // With no ss to be found, only a kept answer can still name the holder.
        process.env.PATH = mkdtempSync(path.join(os.tmpdir(), 'no-ss-'));
        expect((await listeningPorts()).get(first.port)).toBe(first.child.pid);
        process.env.PATH = path0;
        const next = await listeningChild();
        second.child = next.child;
        const ports = await listeningPorts();
        expect(ports.get(next.port)).toBe(next.child.pid);
        expect(ports.get(first.port)).toBe(first.child.pid);
      } finally {
        process.env.PATH = path0;
        first.child.kill('SIGKILL');
        second.child?.kill('SIGKILL');
      }
    },
  );

  it('reads the listening sockets from the kernel tables, IPv4 and IPv6, leaving out connections', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1596 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:47E0 0100007F:8982 06 00000000:00000000 03:000005DA 00000000     0        0 0 3 0000000000000000',
      '   2: 0100007F:2B67 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 99120 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000001000000:2B67 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 88231 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    expect(listeningSockets(`${tcp}\n${tcp6}`)).toEqual(['11111:88231', '2024:1596']);
  });
});
