import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RECIPES } from '../../builtin-recipes/builtin';
import { RecipeSchema } from '../../../shared/recipe';
import { ApiKeySchema, SetKeySchema } from '../../../shared/upstream-keys';
import { tempDir } from '../../../test/temp-dir';
import { FileSecretStore, secretStoreFor, type SecretCipher } from './secret-store';
import { UpstreamKeys } from './upstream-keys';

const SECRET = 'sk-live-0123456789abcdef';
const posix = process.platform !== 'win32';
const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('FileSecretStore', () => {
  it.runIf(posix)('writes its file 0600 and reads back what it wrote', async () => {
    const dir = await tempDir();
    const keys = await UpstreamKeys.open(secretStoreFor(path.join(dir, 'config')));
    await keys.set({ provider: 'tabbyapi' }, SECRET);
    await keys.set({ endpoint: '10.0.0.5:8000' }, 'vllm-key-1234');
    const file = path.join(dir, 'config', 'keys.json');
    expect(await modeOf(file)).toBe(0o600);
    // Written twice, atomically: no temp file left behind, none ever wider than 0600.
    expect(await readdir(path.join(dir, 'config'))).toEqual(['keys.json']);

    const again = await UpstreamKeys.open(secretStoreFor(path.join(dir, 'config')));
    expect(again.forProvider('tabbyapi')).toBe(SECRET);
    expect(again.forEndpoint('10.0.0.5:8000')).toBe('vllm-key-1234');
    // The status never holds a key, only its last four characters.
    const status = again.status();
    expect(JSON.stringify(status)).not.toContain(SECRET);
    expect(status).toEqual({
      storage: 'file',
      notes: [],
      keys: [
        { target: { provider: 'tabbyapi' }, last4: 'cdef', source: 'saved' },
        { target: { endpoint: '10.0.0.5:8000' }, last4: '1234', source: 'saved' },
      ],
    });

    await again.remove({ provider: 'tabbyapi' });
    expect(again.forProvider('tabbyapi')).toBeUndefined();
    await expect(again.remove({ provider: 'tabbyapi' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      hint: expect.stringMatching(/keys.status/),
    });
  });

  it.runIf(posix)('takes away what others could read, and says so', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'keys.json');
    await writeFile(file, JSON.stringify({ version: 1, secrets: { 'provider:vllm': SECRET } }));
    await chmod(file, 0o644);
    const store = new FileSecretStore(file);
    expect(await store.load()).toEqual({ 'provider:vllm': SECRET });
    expect(await modeOf(file)).toBe(0o600);
    expect(store.notes()).toEqual([expect.stringMatching(/could be read by other users \(mode 644\); it is now 0600/)]);
  });

  it('keeps a file it cannot read aside, starts empty, and never quotes the file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'keys.json');
    // Broken JSON holding a key: JSON.parse's own message would quote it.
    await writeFile(file, `{"version":1,"secrets":{"provider:vllm":"${SECRET}"`, { mode: 0o600 });
    const store = new FileSecretStore(file);
    const keys = await UpstreamKeys.open(store);
    expect(keys.status().keys).toEqual([]);
    const [note] = store.notes();
    expect(note).toMatch(
      /^keys\.json is not valid JSON; it was kept aside as keys\.json\.corrupt-.+ and no saved keys are loaded\. Add the keys again/,
    );
    expect(note).not.toContain(SECRET);
    const aside = (await readdir(dir)).find((name) => name.startsWith('keys.json.corrupt-'))!;
    expect(await readFile(path.join(dir, aside), 'utf8')).toContain(SECRET);

    // The right shape only: a secret that is not a string is not loaded as one.
    await writeFile(file, JSON.stringify({ version: 1, secrets: { 'provider:vllm': 42 } }), { mode: 0o600 });
    const shaped = new FileSecretStore(file);
    expect(await shaped.load()).toEqual({});
    expect(shaped.notes()[0]).toMatch(/does not hold keys in the expected shape/);

    // Saving after that writes a good file in its place.
    await keys.set({ provider: 'vllm' }, SECRET);
    expect(await new FileSecretStore(file).load()).toEqual({ 'provider:vllm': SECRET });
  });

  it('with a cipher, keeps no key in the clear on disk; one it cannot decrypt is kept aside', async () => {
    const dir = await tempDir();
    // A reversible stand-in for safeStorage (XOR with a byte): what matters is that the store
    // writes only what the cipher gives it.
    const xor = (data: Buffer) => Buffer.from(data.map((b) => b ^ 0x5a));
    const cipher: SecretCipher = { encrypt: (text) => xor(Buffer.from(text)), decrypt: (data) => xor(data).toString('utf8') };
    const store = secretStoreFor(dir, { available: true, cipher });
    expect(store.kind).toBe('keychain');
    const keys = await UpstreamKeys.open(store);
    await keys.set({ provider: 'lmstudio' }, SECRET);
    const raw = await readFile(path.join(dir, 'keys.enc'));
    expect(raw.toString('utf8')).not.toContain(SECRET);
    expect(keys.status().storage).toBe('keychain');
    expect((await UpstreamKeys.open(secretStoreFor(dir, { available: true, cipher }))).forProvider('lmstudio')).toBe(SECRET);

    const refusing: SecretCipher = {
      ...cipher,
      decrypt: () => {
        throw new Error('Error while decrypting the ciphertext provided');
      },
    };
    const other = secretStoreFor(dir, { available: true, cipher: refusing });
    expect(await other.load()).toEqual({});
    expect(other.notes()[0]).toMatch(/could not be decrypted/);

    const fallback = secretStoreFor(dir, { available: false, cipher, unavailableWhy: 'no keyring (GNOME Keyring or KWallet) is running' });
    expect(fallback.kind).toBe('file');
    expect(fallback.notes()).toEqual([
      expect.stringMatching(/OS keychain is not available \(no keyring .*\): keys are kept in config\/keys\.json/),
    ]);
  });
});

describe('key input', () => {
  it('takes a printable key, trimmed, and refuses others saying how to fix them', () => {
    expect(ApiKeySchema.parse('  abc123  ')).toBe('abc123');
    expect(ApiKeySchema.safeParse('').error?.issues[0]?.message).toMatch(/empty/);
    expect(ApiKeySchema.safeParse('Bearer abc').error?.issues[0]?.message).toMatch(/without "Bearer "/);
    expect(ApiKeySchema.safeParse('ké').error?.issues[0]?.message).toMatch(/printable ASCII/);
    expect(ApiKeySchema.safeParse('x'.repeat(513)).error?.issues[0]?.message).toMatch(/longer than 512/);
    expect(SetKeySchema.safeParse({ provider: 'tabbyapi', key: 'k' }).success).toBe(true);
    expect(SetKeySchema.safeParse({ endpoint: 'localhost:5000', key: 'k' }).data).toEqual({ endpoint: '127.0.0.1:5000', key: 'k' });
    expect(SetKeySchema.safeParse({ provider: 'tabbyapi', endpoint: '127.0.0.1:5000', key: 'k' }).success).toBe(false);
  });
});

describe("a provider's own key file", () => {
  it("reads TabbyAPI's api_tokens.yml from its data folder after a start, and forgets it when it is gone", async () => {
    const dir = await tempDir();
    const tabby = RecipeSchema.parse(BUILTIN_RECIPES.find((r) => r.id === 'tabbyapi'));
    const keys = await UpstreamKeys.open(secretStoreFor(path.join(dir, 'config')));
    await keys.set({ provider: 'tabbyapi' }, 'the-users-old-key');
    expect(await keys.refresh(tabby, dir)).toBe('the-users-old-key');
    // As TabbyAPI writes it (yaml.safe_dump, default_flow_style=False).
    await writeFile(
      path.join(dir, 'api_tokens.yml'),
      'admin_key: 4f1e0d2c9b8a7f6e5d4c3b2a1f0e9d8c\napi_key: 0a1b2c3d4e5f60718293a4b5c6d7e8f9\n',
    );
    expect(await keys.refresh(tabby, dir)).toBe('0a1b2c3d4e5f60718293a4b5c6d7e8f9');
    expect(keys.status().keys).toEqual([
      { target: { provider: 'tabbyapi' }, last4: '-key', source: 'saved' },
      { target: { provider: 'tabbyapi' }, last4: 'e8f9', source: 'provider-file' },
    ]);
    await rm(path.join(dir, 'api_tokens.yml'));
    expect(await keys.refresh(tabby, dir)).toBe('the-users-old-key');
  });
});
