import { readdir, readFile } from 'node:fs/promises';

export interface OsProcess {
  pid: number;
  command: string;
}

/**
 * Every process on this machine whose environment names the base directory, read from the OS
 * process table (/proc), not from the app's own bookkeeping. Hosts, providers and whatever they
 * spawned (setsid included) inherit HELIX_LOCAL_LLM_DIR, so this finds all of ours for one test.
 */
export async function processesOf(baseDir: string): Promise<OsProcess[]> {
  const marker = `HELIX_LOCAL_LLM_DIR=${baseDir}\0`;
  const found: OsProcess[] = [];
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      // A zombie's environ reads empty: it holds no memory, port or GPU, so it does not count.
      if (!(await readFile(`/proc/${pid}/environ`, 'latin1')).includes(marker)) continue;
      const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      found.push({ pid, command });
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** Waits (bounded) until none of ours is left; returns what is still there at the end. */
export async function untilNoneLeft(baseDir: string, ms = 10_000): Promise<OsProcess[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = await processesOf(baseDir);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
