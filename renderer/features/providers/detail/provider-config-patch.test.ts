import { describe, expect, it } from 'vitest';
import { providerPatch, toProviderDraft } from './provider-config-patch';

describe('the Configuration card sends only what changed', () => {
  it('names the changed fields, clears an emptied one with null, and leaves the rest out', () => {
    const saved = toProviderDraft({ port: 9000, model: 'a.gguf', install: { repository: '/srv/mirror.git' } });
    const draft = { ...saved, port: '', contextSize: '8192' };
    expect(providerPatch(saved, draft, { model: 'a.gguf', contextSize: 8192, install: { repository: '/srv/mirror.git' } })).toEqual({
      port: null,
      contextSize: 8192,
    });
    expect(
      providerPatch(saved, { ...saved, version: 'b6500', repository: '' }, { model: 'a.gguf', port: 9000, install: { version: 'b6500' } }),
    ).toEqual({
      install: { version: 'b6500', repository: null },
    });
  });

  it('removes the provider entry when nothing is left', () => {
    const saved = toProviderDraft({ port: 9000 });
    expect(providerPatch(saved, { ...saved, port: '' }, {})).toBeNull();
  });
});
