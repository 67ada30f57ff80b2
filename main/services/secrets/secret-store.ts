import { existsSync } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { keepAside } from '../os/keep-aside';

/**
 * Where saved keys live. The services only see this; the desktop shell hands in Electron's
 * safeStorage as the cipher (the OS keychain holds its key), headless runs keep a plain 0600 file.
 */
export interface SecretStore {
  readonly kind: 'keychain' | 'file';
  /** Why the store is what it is, and what went wrong reading it. Never holds a secret. */
  notes(): string[];
  load(): Promise<Record<string, string>>;
  save(secrets: Record<string, string>): Promise<void>;
}

/** Turns the file's text into bytes on disk and back: Electron's safeStorage, or nothing. */
export interface SecretCipher {
  encrypt(text: string): Buffer;
  decrypt(data: Buffer): string;
}

/** Far above any number of keys a person keeps; a bigger file is not ours. */
const MAX_FILE_BYTES = 1024 * 1024;

const SecretFileSchema = z
  .object({
    version: z.literal(1),
    secrets: z.record(z.string().min(1).max(400), z.string().min(1).max(4096)),
  })
  .strict();

/**
 * All keys in one file, written atomically with mode 0600 (owner only). A file others can read is
 * tightened at once and said so; a file we cannot read is kept aside, never overwritten, and the
 * store starts empty. No message ever quotes the file's content (JSON.parse's would).
 */
export class FileSecretStore implements SecretStore {
  private readonly problems: string[] = [];

  constructor(
    readonly file: string,
    readonly kind: 'keychain' | 'file' = 'file',
    private readonly cipher?: SecretCipher,
    private readonly why?: string,
  ) {}

  notes(): string[] {
    return [...(this.why ? [this.why] : []), ...this.problems];
  }

  async load(): Promise<Record<string, string>> {
    let raw: Buffer;
    try {
      raw = await this.readOwnerOnly();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    const problem = this.parse(raw);
    if (typeof problem !== 'string') return problem;
    const aside = await keepAside(this.file);
    this.problems.push(
      `${path.basename(this.file)} ${problem}; it was kept aside as ${path.basename(aside)} and no saved keys are loaded. Add the keys again on the Providers page.`,
    );
    return {};
  }

  async save(secrets: Record<string, string>): Promise<void> {
    const text = `${JSON.stringify({ version: 1, secrets })}\n`;
    await mkdir(path.dirname(this.file), { recursive: true });
    // write-file-atomic creates the temp file with this mode, so the keys are never readable by others, not even briefly.
    await writeFileAtomic(this.file, this.cipher ? this.cipher.encrypt(text) : text, { mode: 0o600 });
  }

  /** Reads the file, first taking away any access beyond its owner's. */
  private async readOwnerOnly(): Promise<Buffer> {
    const handle = await open(this.file, 'r');
    try {
      const { mode, size } = await handle.stat();
      if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
        await chmod(this.file, 0o600);
        this.problems.push(
          `${path.basename(this.file)} could be read by other users (mode ${(mode & 0o777).toString(8)}); it is now 0600. If others use this machine, change the keys it held.`,
        );
      }
      if (size > MAX_FILE_BYTES) return Buffer.alloc(0);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  private parse(raw: Buffer): Record<string, string> | string {
    if (raw.length === 0) return 'is empty or too big to be ours';
    let text: string;
    try {
      text = this.cipher ? this.cipher.decrypt(raw) : raw.toString('utf8');
    } catch {
      return 'could not be decrypted (the keychain entry changed, or the file came from another machine or user)';
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return 'is not valid JSON';
    }
    const parsed = SecretFileSchema.safeParse(json);
    return parsed.success ? parsed.data.secrets : 'does not hold keys in the expected shape';
  }
}

/**
 * The store for this host: the keychain-backed file when a cipher is usable, else the plain 0600
 * file, saying why (Linux without a keyring, say).
 */
export function secretStoreFor(
  configDir: string,
  cipher?: { available: boolean; cipher: SecretCipher; unavailableWhy?: string },
): SecretStore {
  if (cipher?.available) return new FileSecretStore(path.join(configDir, 'keys.enc'), 'keychain', cipher.cipher);
  const why = cipher
    ? `The OS keychain is not available (${cipher.unavailableWhy ?? 'Electron safeStorage says encryption is unavailable'}): keys are kept in config/keys.json, readable only by you.`
    : undefined;
  // Keys the desktop app saved with the keychain stay in keys.enc, unread, until it is back.
  const stranded =
    cipher && existsSync(path.join(configDir, 'keys.enc'))
      ? ' Keys saved earlier with the keychain (config/keys.enc) are not used until it is back.'
      : '';
  return new FileSecretStore(path.join(configDir, 'keys.json'), 'file', undefined, why && why + stranded);
}
