import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { FolderChanges } from './folder-changes';

const opened: FolderChanges[] = [];
afterEach(() => {
  for (const changes of opened.splice(0)) changes.close();
});

async function watching(fullLookMs?: number) {
  const dir = path.join(await tempDir(), 'chats');
  await mkdir(dir);
  const changes = new FolderChanges(dir, fullLookMs);
  opened.push(changes);
  return { dir, changes };
}

/** What the changes collected come to once the OS has had the time to report them. */
async function reported(changes: FolderChanges, expected: string[]): Promise<void> {
  const seen = new Set<string>();
  await expect
    .poll(() => {
      const taken = changes.take();
      if (taken === 'everything') throw new Error('a full look was not expected here');
      for (const name of taken) seen.add(name);
      return [...seen].sort();
    })
    .toEqual(expected);
}

describe('what changed in a folder', () => {
  it('is everything at first, then the files the OS reports written, replaced or removed, and those marked', async () => {
    const { dir, changes } = await watching();
    await writeFile(path.join(dir, 'a.json'), '1');
    expect(changes.take()).toBe('everything');
    expect([...(changes.take() as Set<string>)]).toEqual([]);

    await writeFile(path.join(dir, 'b.json'), '2');
    await reported(changes, ['b.json']);
    await writeFile(path.join(dir, 'a.json.tmp'), '3');
    await rm(path.join(dir, 'a.json'));
    await reported(changes, ['a.json', 'a.json.tmp']);

    // A change this process made is known at once, before any report.
    changes.mark('c.json');
    expect([...(changes.take() as Set<string>)]).toEqual(['c.json']);
  });

  it('is everything again after a while, in case the OS missed a change', async () => {
    const { changes } = await watching(30);
    expect(changes.take()).toBe('everything');
    expect(changes.take()).not.toBe('everything');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(changes.take()).toBe('everything');
  });

  it('is everything again once the folder was removed and made again, and watches the new one', async () => {
    const { dir, changes } = await watching();
    expect(changes.take()).toBe('everything');
    await rm(dir, { recursive: true });
    await mkdir(dir);
    expect(changes.take()).toBe('everything');
    await writeFile(path.join(dir, 'd.json'), '4');
    await reported(changes, ['d.json']);
  });

  it('is everything each time while the folder is not there, and watched once it is', async () => {
    const dir = path.join(await tempDir(), 'chats');
    const changes = new FolderChanges(dir);
    opened.push(changes);
    expect(changes.take()).toBe('everything');
    expect(changes.take()).toBe('everything');
    await mkdir(dir);
    expect(changes.take()).toBe('everything');
    expect(changes.take()).not.toBe('everything');
  });
});
