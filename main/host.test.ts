import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/temp-dir';
import { createHost } from './host';

describe('createHost', () => {
  it('reports a bad saved base-directory choice once, after keeping it aside (the base directory is located once)', async () => {
    const root = await tempDir();
    const appConfigDir = path.join(root, 'app');
    await mkdir(appConfigDir, { recursive: true });
    await writeFile(path.join(appConfigDir, 'location.json'), '{ not json');
    const host = await createHost({
      mode: 'headless',
      runtime: 'tasks',
      env: { ...process.env, HELIX_LOCAL_LLM_DIR: path.join(root, 'base') },
      appConfigDir,
      reportBug: () => {},
    });
    try {
      const problems = host.settings.state().problems.filter((p) => p.origin?.endsWith('location.json'));
      expect(problems).toHaveLength(1);
      expect(problems[0]!.hint).toContain('kept as');
      expect((await readdir(appConfigDir)).filter((f) => f.startsWith('location.json.'))).toHaveLength(1);
    } finally {
      await host.close();
    }
  });
});
