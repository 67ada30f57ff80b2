import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { ensureLayout, LAYOUT_DIRS, pathsFor, resolveBaseDir, saveBaseDir } from './paths';

describe('base directory', () => {
  it('defaults to ~/.helixcode/local-llm', async () => {
    const dir = await tempDir();
    const choice = await resolveBaseDir({ env: {}, locationFile: path.join(dir, 'location.json'), home: '/home/ann' });
    expect(choice).toMatchObject({ path: '/home/ann/.helixcode/local-llm', source: 'default', problems: [] });
  });

  it('prefers HELIX_LOCAL_LLM_DIR over a saved choice, and a saved choice over the default', async () => {
    const dir = await tempDir();
    const locationFile = path.join(dir, 'app', 'location.json');
    const chosen = path.join(dir, 'srv', 'llm');
    await saveBaseDir(locationFile, chosen);
    expect(await resolveBaseDir({ env: {}, locationFile })).toMatchObject({ path: chosen, source: 'saved', problems: [] });
    expect(await resolveBaseDir({ env: { HELIX_LOCAL_LLM_DIR: '~/x' }, locationFile, home: '/h' })).toMatchObject({
      path: '/h/x',
      source: 'env',
      saved: chosen,
    });
  });

  it('falls back to the default, saying why, when the saved choice is a file: the app still starts', async () => {
    const dir = await tempDir();
    const locationFile = path.join(dir, 'location.json');
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'not a folder');
    await saveBaseDir(locationFile, file);
    const choice = await resolveBaseDir({ env: {}, locationFile, home: '/h' });
    expect(choice).toMatchObject({ path: '/h/.helixcode/local-llm', source: 'default', saved: file });
    expect(choice.problems).toEqual([
      {
        message: `The base directory chosen in Settings, ${file}, cannot be used: it is a file, not a folder.`,
        hint: expect.stringContaining(`another is chosen in Settings (saved in ${locationFile})`),
        origin: locationFile,
      },
    ]);
    // The choice stays saved: once the file is moved away (or the disk mounted), it is used again.
    await rm(file);
    expect(await resolveBaseDir({ env: {}, locationFile, home: '/h' })).toMatchObject({ path: file, source: 'saved', problems: [] });
  });

  it('keeps a corrupt location file aside and reports it', async () => {
    const dir = await tempDir();
    const locationFile = path.join(dir, 'location.json');
    await writeFile(locationFile, '{"baseDir": ');
    const choice = await resolveBaseDir({ env: {}, locationFile, home: '/h' });
    expect(choice.source).toBe('default');
    expect(choice.problems).toHaveLength(1);
    expect(choice.problems[0]!.message).toContain(locationFile);
    const files = await readdir(dir);
    const aside = files.find((f) => f.startsWith('location.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(path.join(dir, aside!), 'utf8')).toBe('{"baseDir": ');
    expect(choice.problems[0]!.hint).toContain(aside!);
  });

  it('does not read a location file over its cap: the default is used and the problem says why', async () => {
    const dir = await tempDir();
    const locationFile = path.join(dir, 'location.json');
    await writeFile(locationFile, `{"baseDir": "/srv/llm", "pad": "${'x'.repeat(5 * 1024 * 1024)}"}`);
    const choice = await resolveBaseDir({ env: {}, locationFile, home: '/h' });
    expect(choice).toMatchObject({ source: 'default', path: '/h/.helixcode/local-llm' });
    expect(choice.problems).toEqual([
      {
        message: expect.stringMatching(/location\.json is 5\.0 MiB, over the 4 MiB this app reads from such a file; it was not read\.$/),
        hint: expect.stringMatching(/shrink it below 4 MiB, or move it away\. The default base directory is used meanwhile\.$/),
        origin: locationFile,
      },
    ]);
  });

  it("creates the seed spec's layout", async () => {
    const base = path.join(await tempDir(), 'nested', 'base');
    await ensureLayout(pathsFor(base));
    expect((await readdir(base)).sort()).toEqual([...LAYOUT_DIRS].sort());
  });
});
