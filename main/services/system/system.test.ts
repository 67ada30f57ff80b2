import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunning as isAlive } from '../os/process-tree';
import { tempDir } from '../../../test/temp-dir';
import { readDisk } from '../os/disk-space';
import { probeTool, SystemService, TOOL_SPECS } from './system';

describe('SystemService on this machine', () => {
  it('reports the real CPU, memory and disk', async () => {
    const base = await tempDir();
    const info = await new SystemService({ baseDir: base }).info();
    expect(info.cpu.model).toBe(os.cpus()[0]!.model.trim());
    expect(info.cpu.logicalCores).toBe(os.cpus().length);
    expect(info.memory.totalBytes).toBe(os.totalmem());
    expect(info.memory.availableBytes).toBeGreaterThan(0);
    expect(info.memory.availableBytes).toBeLessThanOrEqual(info.memory.totalBytes);
    expect(info.disk.path).toBe(base);
    expect(info.disk.freeBytes).toBeGreaterThan(0);
    expect(info.os.arch).toBe(os.arch());
    expect(info.os.hostname).toBe(os.hostname());
    expect(info.tools.map((t) => t.id)).toEqual(
      TOOL_SPECS.filter((t) => !t.platforms || t.platforms.includes(process.platform)).map((t) => t.id),
    );
  });

  it('before the first start (no base directory yet), the disk is its nearest parent’s, and nothing is created', async () => {
    const parent = await tempDir();
    const base = path.join(parent, 'not', 'yet');
    const info = await new SystemService({ baseDir: base }).info();
    expect(info.disk).toEqual({ path: base, freeBytes: expect.any(Number), totalBytes: expect.any(Number) });
    expect(info.disk.totalBytes).toBeGreaterThan(0);
    expect(existsSync(path.join(parent, 'not'))).toBe(false);
    // A file in a parent's place is no folder either: the disk it is on still answers.
    await writeFile(path.join(parent, 'file'), '');
    expect((await readDisk(path.join(parent, 'file', 'base'))).totalBytes).toBeGreaterThan(0);
  });

  it('finds git and node with the versions they print themselves', async () => {
    const info = await new SystemService({ baseDir: await tempDir() }).info();
    const git = info.tools.find((t) => t.id === 'git')!;
    expect(git.found).toBe(true);
    expect(execFileSync('git', ['--version'], { encoding: 'utf8' })).toContain(git.version!);
    expect(info.tools.find((t) => t.id === 'node')!.version).toBe(process.versions.node);
  });

  it('finds the venv module exactly when python3 can import ensurepip and venv', async () => {
    const info = await new SystemService({ baseDir: await tempDir() }).info();
    const venv = info.tools.find((t) => t.id === 'venv')!;
    const python = info.tools.find((t) => t.id === 'python3')!;
    let importable = false;
    try {
      execFileSync(python.path ?? 'python3', ['-c', 'import ensurepip, venv'], { stdio: 'ignore' });
      importable = true;
    } catch {
      // No python3, or one without the modules.
    }
    expect(venv.found).toBe(importable);
    if (importable) expect(venv.version).toBe(python.version);
  });

  it('reports a missing tool as not found, and a hanging one with an error', async () => {
    const bin = await tempDir();
    const hang = path.join(bin, 'hangtool');
    const grandchildPidFile = path.join(bin, 'grandchild.pid');
    await writeFile(hang, `#!/bin/sh\nsleep 30 &\necho $! > ${grandchildPidFile}\nwait\n`);
    await chmod(hang, 0o755);
    const broken = path.join(bin, 'brokentool');
    await writeFile(broken, '#!/bin/sh\necho "fatal: no licence" >&2\nexit 3\n');
    await chmod(broken, 0o755);
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };

    expect(await probeTool({ id: 'nope', name: 'Nope', commands: ['no-such-tool-xyz'], args: ['--version'] }, { env })).toEqual({
      id: 'nope',
      name: 'Nope',
      found: false,
    });
    const started = Date.now();
    const hanging = await probeTool({ id: 'hang', name: 'Hang', commands: ['hangtool'], args: ['--version'] }, { env, toolTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(hanging).toMatchObject({ found: true, path: hang, error: expect.stringContaining('in time') });
    // The wrapper's own child died with it: nothing is left running.
    const grandchild = Number(await readFile(grandchildPidFile, 'utf8'));
    expect(isAlive(grandchild)).toBe(false);
    const failing = await probeTool({ id: 'broken', name: 'Broken', commands: ['brokentool'], args: ['--version'] }, { env });
    expect(failing).toMatchObject({ found: true, error: expect.stringContaining('fatal: no licence') });
  });

  it('re-reads tools only when asked', async () => {
    const bin = await tempDir();
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const spec = { id: 'late', name: 'Late', commands: ['latetool'], args: ['--version'] };
    const service = new SystemService({ baseDir: bin, env, tools: [spec] });
    expect((await service.info()).tools[0]!.found).toBe(false);
    const late = path.join(bin, 'latetool');
    await writeFile(late, '#!/bin/sh\necho "latetool 1.2.3"\n');
    await chmod(late, 0o755);
    expect((await service.info()).tools[0]!.found).toBe(false);
    expect((await service.info({ refresh: true })).tools[0]).toMatchObject({ found: true, version: '1.2.3' });
  });

  it("reports venv as missing, with Python's own reason, where python3 lacks ensurepip (Debian without python3-venv)", async () => {
    const bin = await tempDir();
    // Debian's python3 without python3-venv: --version works, importing ensurepip does not.
    await writeFile(
      path.join(bin, 'python3'),
      `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Python 3.8.10"; exit 0; fi\n` +
        `echo 'Traceback (most recent call last):' >&2\necho '  File "<string>", line 1, in <module>' >&2\n` +
        `echo "ModuleNotFoundError: No module named 'ensurepip'" >&2\nexit 1\n`,
    );
    await chmod(path.join(bin, 'python3'), 0o755);
    const env = { ...process.env, PATH: bin };
    const tools = TOOL_SPECS.filter((t) => t.id === 'python3' || t.id === 'venv');
    const info = await new SystemService({ baseDir: bin, env, tools }).info();
    expect(info.tools).toEqual([
      { id: 'python3', name: 'Python', found: true, path: path.join(bin, 'python3'), version: '3.8.10' },
      { id: 'venv', name: 'Python venv', found: false, error: "python3: ModuleNotFoundError: No module named 'ensurepip'" },
    ]);
  });

  it('tries the next candidate when the first does not answer with a version', async () => {
    const first = await tempDir();
    const second = await tempDir();
    // Windows' python3 is often the Microsoft Store's stub while `python` is the real one.
    await writeFile(
      path.join(first, 'python3'),
      '#!/bin/sh\necho "Python was not found; run without arguments to install from the Microsoft Store" >&2\nexit 9009\n',
    );
    await writeFile(path.join(second, 'python'), '#!/bin/sh\necho "Python 3.12.4"\n');
    await chmod(path.join(first, 'python3'), 0o755);
    await chmod(path.join(second, 'python'), 0o755);
    const spec = TOOL_SPECS.find((t) => t.id === 'python3')!;
    expect(await probeTool(spec, { env: { ...process.env, PATH: `${first}${path.delimiter}${second}` } })).toEqual({
      id: 'python3',
      name: 'Python',
      found: true,
      path: path.join(second, 'python'),
      version: '3.12.4',
    });
  });
});
