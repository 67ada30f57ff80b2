import { describe, expect, it } from 'vitest';
import type { RestoreResult } from '../shared/backup';
import { AppFailure } from '../shared/errors';
import { createApi, type ApiDeps } from './api';

const ctx = { via: 'memory' as const, connectionId: 't' };

function apiWith(toInstall: string[], untrusted: string[] = []) {
  const installed: string[][] = [];
  const result = { files: [], trustedRecipes: [], toInstall, otherVersion: [], installing: [] } as unknown as RestoreResult;
  const deps = {
    backups: { restore: async () => result },
    manager: {
      requireTrusted: async (id: string) => {
        if (untrusted.includes(id)) throw new AppFailure({ code: 'CONFLICT', message: `${id} is not confirmed` });
      },
      state: (id: string) => ({ id }),
    },
    installer: { install: async (ids: string[]) => (installed.push(ids), ids.map((providerId) => ({ providerId }))) },
  } as unknown as ApiDeps;
  return { api: createApi(deps), installed };
}

describe('backup.restore with reinstall', () => {
  it('installs the listed providers not installed here, confirmed custom recipes only; without reinstall, none', async () => {
    const { api, installed } = apiWith(['vllm', 'mine'], ['mine']);
    const restored = await api['backup.restore']({ file: '/tmp/b.tar.gz', reinstall: true }, ctx);
    expect(restored.installing).toEqual(['vllm']);
    expect(installed).toEqual([['vllm']]);
    const plain = apiWith(['vllm']);
    expect((await plain.api['backup.restore']({ file: '/tmp/b.tar.gz' }, ctx)).installing).toEqual([]);
    expect(plain.installed).toEqual([]);
  });
});
