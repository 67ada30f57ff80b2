import { EventEmitter } from 'node:events';
import { AppFailure } from '../../../shared/errors';
import type { ProviderRecipe } from '../../../shared/recipe';
import { keyName, targetOfName, type KeyInfo, type KeysStatus, type KeyTarget } from '../../../shared/upstream-keys';
import { readProviderKeyFile } from './provider-key-file';
import type { SecretStore } from './secret-store';

/** What the supervisor asks about the keys of the providers it runs. */
export interface ProviderKeys {
  /** The key to send to a provider now: the one it wrote itself when last read, else the user's. */
  forProvider(id: string): string | undefined;
  /** Reads a provider's own key file afresh (after each start: TabbyAPI writes it then) and returns `forProvider`. */
  refresh(recipe: ProviderRecipe, dataDir: string): Promise<string | undefined>;
}

/**
 * Every key the app sends upstream: the user's, per provider or saved endpoint (persisted in the
 * SecretStore), and the ones providers we run wrote for themselves (memory only: their own file
 * stays the truth). Lookups are synchronous, since the gateway's upstream lists are.
 */
export class UpstreamKeys extends EventEmitter<{ changed: [KeysStatus] }> implements ProviderKeys {
  private readonly saved = new Map<string, string>();
  private readonly written = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly store: SecretStore) {
    super();
  }

  static async open(store: SecretStore): Promise<UpstreamKeys> {
    const keys = new UpstreamKeys(store);
    for (const [name, value] of Object.entries(await store.load())) if (targetOfName(name)) keys.saved.set(name, value);
    return keys;
  }

  status(): KeysStatus {
    const keys: KeyInfo[] = [];
    for (const [name, value] of this.saved) keys.push({ target: targetOfName(name)!, last4: last4(value), source: 'saved' });
    // Listed beside a saved one for the same provider: the provider's own is the one sent.
    for (const [id, value] of this.written) keys.push({ target: { provider: id }, last4: last4(value), source: 'provider-file' });
    return { storage: this.store.kind, notes: this.store.notes(), keys };
  }

  forProvider(id: string): string | undefined {
    return this.written.get(id) ?? this.saved.get(keyName({ provider: id }));
  }

  forEndpoint(endpoint: string): string | undefined {
    return this.saved.get(keyName({ endpoint }));
  }

  /** Whether the user saved a key for this target (a provider's own file key does not count). */
  has(target: KeyTarget): boolean {
    return this.saved.has(keyName(target));
  }

  async refresh(recipe: ProviderRecipe, dataDir: string): Promise<string | undefined> {
    if (recipe.keyFile) {
      const key = await readProviderKeyFile(recipe, dataDir);
      const before = this.written.get(recipe.id);
      if (key) this.written.set(recipe.id, key);
      else this.written.delete(recipe.id);
      if (key !== before) this.emit('changed', this.status());
    }
    return this.forProvider(recipe.id);
  }

  set(target: KeyTarget, key: string): Promise<KeysStatus> {
    return this.change(() => this.saved.set(keyName(target), key));
  }

  remove(target: KeyTarget): Promise<KeysStatus> {
    return this.change(() => {
      if (!this.saved.delete(keyName(target))) {
        throw new AppFailure({
          code: 'NOT_FOUND',
          message: `No key is saved for ${'provider' in target ? `the provider "${target.provider}"` : target.endpoint}.`,
          hint: 'keys.status lists the saved keys.',
        });
      }
    });
  }

  /** One write at a time; memory follows the file only once the file holds the change. */
  private change(apply: () => void): Promise<KeysStatus> {
    const next = this.queue.then(async () => {
      const before = new Map(this.saved);
      apply();
      try {
        await this.store.save(Object.fromEntries(this.saved));
      } catch (error) {
        this.saved.clear();
        for (const [name, value] of before) this.saved.set(name, value);
        throw new AppFailure({
          code: 'IO_ERROR',
          message: `Could not save the key: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
          hint: 'Check that the base directory’s config folder can be written to.',
        });
      }
      const status = this.status();
      this.emit('changed', status);
      return status;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function last4(key: string): string {
  return key.length > 8 ? key.slice(-4) : '';
}
