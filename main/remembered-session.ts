import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Paths } from './services/base-dir/paths';
import { READ_CAPS, readCappedFile } from './services/os/read-capped-file';

export function sessionFileOf(paths: Pick<Paths, 'config'>): string {
  return path.join(paths.config, 'session.json');
}

/**
 * config/session.json: the providers the user wants running, for auto-start at the next start.
 * It is written as they are started and stopped, not only when the app quits: a host that never
 * got to quit (killed, out of memory, the machine's power lost) still brings back what ran.
 * Writes go one at a time, each with the set as it is by then, so the file never goes back to an
 * older set.
 */
export class RememberedSession {
  private wanted = new Set<string>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** The providers the file names; none when it is missing or not what we write. */
  async read(): Promise<string[]> {
    try {
      const parsed = JSON.parse(await readCappedFile(this.file, READ_CAPS.state)) as { running?: unknown };
      return Array.isArray(parsed.running) ? parsed.running.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Where this session starts from (what it auto-starts); nothing is written until it changes. */
  begin(ids: Iterable<string>): void {
    this.wanted = new Set(ids);
  }

  want(id: string): Promise<void> {
    if (this.wanted.has(id)) return this.writing;
    this.wanted.add(id);
    return this.write();
  }

  unwant(ids: Iterable<string>): Promise<void> {
    let changed = false;
    for (const id of ids) changed = this.wanted.delete(id) || changed;
    return changed ? this.write() : this.writing;
  }

  /** Quitting: exactly these ran. */
  replace(ids: Iterable<string>): Promise<void> {
    this.wanted = new Set(ids);
    return this.write();
  }

  private write(): Promise<void> {
    this.writing = this.writing.then(() =>
      // A file that cannot be written (a full disk) costs the next auto-start, never the start or stop asked for now.
      writeFileAtomic(this.file, `${JSON.stringify({ running: [...this.wanted] }, null, 2)}\n`, { encoding: 'utf8' }).catch(
        () => undefined,
      ),
    );
    return this.writing;
  }
}
