import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { AppFailure } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format-bytes';
import type { DownloadState } from '../../../shared/provider';
import { judgeUrl } from './download-policy';
import { ensureRoom, freeSpaceWords, isDiskFull } from '../os/disk-space';
import { fetchToFile, sha256Of } from '../os/http-file';
import { READ_CAPS, readCappedFile } from '../os/read-capped-file';

const JournalSchema = z.object({ id: z.string(), url: z.string(), file: z.string(), sha256: z.string().optional() });

interface Active {
  state: DownloadState;
  abort?: AbortController;
  done?: Promise<void>;
}

/**
 * Model downloads into the models folder. Bytes go to `<partDir>/<file>.part` beside a small
 * journal, so a cancel or a crash resumes with an HTTP Range request from the byte reached; a
 * server that ignores Range restarts cleanly from zero. The sha256 (when given) is checked over
 * the whole file before it is renamed into place: a half or wrong file is never shown as a model.
 */
export class ModelDownloads extends EventEmitter<{ progress: [DownloadState] }> {
  private readonly downloads = new Map<string, Active>();

  constructor(
    private readonly modelsDir: string,
    private readonly partDir: string,
    /** Extra request headers for a URL (a hub token), never written to the journal. */
    private readonly headersFor: (url: string) => Record<string, string> = () => ({}),
  ) {
    super();
  }

  /** Picks up downloads a previous session left unfinished, as paused. */
  async restore(): Promise<void> {
    const names = await readdir(this.partDir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const parsed = JournalSchema.safeParse(
        await readCappedFile(path.join(this.partDir, name), READ_CAPS.state)
          .then(JSON.parse)
          .catch(() => undefined),
      );
      if (!parsed.success) continue;
      const received = (await stat(this.partFile(parsed.data.file)).catch(() => undefined))?.size ?? 0;
      this.downloads.set(parsed.data.id, {
        state: { ...parsed.data, status: 'paused', receivedBytes: received, speedBps: 0, updatedAt: new Date().toISOString() },
      });
    }
  }

  list(): DownloadState[] {
    return [...this.downloads.values()].map((d) => d.state);
  }

  async start(request: { url: string; file?: string; sha256?: string }): Promise<DownloadState> {
    const file = request.file ?? fileNameFromUrl(request.url);
    // Refused at once, not as a failed row: plain http needs a sha256 (redirects are judged as they come).
    judgeUrl(request.url, Boolean(request.sha256));
    for (const d of this.downloads.values()) {
      if (d.state.file !== file) continue;
      if (d.state.status === 'downloading' || d.state.status === 'verifying') {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `${file} is already being downloaded.`,
          hint: 'Wait for it, or cancel it first.',
        });
      }
      if (d.state.status === 'paused') {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `A download of ${file} is paused.`,
          hint: 'Resume it, or remove it from the list first.',
        });
      }
    }
    if (await stat(path.join(this.modelsDir, file)).catch(() => undefined)) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${file} is already in the models folder.`,
        hint: 'Delete it first, or save the download under another file name.',
      });
    }
    // Finished or failed rows for this file make way for the new attempt.
    for (const [id, d] of this.downloads) if (d.state.file === file) this.downloads.delete(id);
    const state: DownloadState = {
      id: randomUUID(),
      url: request.url,
      file,
      status: 'downloading',
      receivedBytes: 0,
      speedBps: 0,
      sha256: request.sha256?.toLowerCase(),
      updatedAt: new Date().toISOString(),
    };
    const active: Active = { state };
    this.downloads.set(state.id, active);
    this.run(active);
    return state;
  }

  resume(id: string): DownloadState {
    const active = this.get(id);
    if (active.state.status === 'downloading' || active.state.status === 'verifying') return active.state;
    this.update(active, { status: 'downloading', error: undefined });
    this.run(active);
    return active.state;
  }

  async cancel(id: string): Promise<DownloadState> {
    const active = this.get(id);
    active.abort?.abort();
    await active.done;
    return active.state;
  }

  /** Stops a download if it runs and forgets it, removing the bytes that arrived. */
  async remove(id: string): Promise<DownloadState[]> {
    const active = this.get(id);
    active.abort?.abort();
    await active.done;
    if (active.state.status !== 'done') await this.discard(active.state.file);
    this.downloads.delete(id);
    return this.list();
  }

  /** Resolves when the download stops for any reason (tests, shutdown). */
  async settled(id: string): Promise<DownloadState> {
    const active = this.get(id);
    await active.done;
    return active.state;
  }

  async close(): Promise<void> {
    await Promise.all([...this.downloads.values()].map((d) => (d.abort?.abort(), d.done)));
  }

  private get(id: string): Active {
    const active = this.downloads.get(id);
    if (!active) throw new AppFailure({ code: 'NOT_FOUND', message: `No download ${id}.`, hint: 'Refresh the list of downloads.' });
    return active;
  }

  private run(active: Active): void {
    active.abort = new AbortController();
    active.done = this.download(active, active.abort.signal).catch(async (error: unknown) => {
      // Progress is reported every 250 ms: the stop shows the bytes that are really on disk.
      const receivedBytes = (await stat(this.partFile(active.state.file)).catch(() => undefined))?.size ?? 0;
      const stopped = { speedBps: 0, etaSec: undefined, receivedBytes };
      if (active.abort?.signal.aborted) this.update(active, { ...stopped, status: 'paused' });
      else this.update(active, { ...stopped, status: 'failed', error: await this.describeFailure(error, active.state, receivedBytes) });
    });
  }

  private async download(active: Active, signal: AbortSignal): Promise<void> {
    const { state } = active;
    await mkdir(this.partDir, { recursive: true });
    const part = this.partFile(state.file);
    await writeFileAtomic(
      this.journalFile(state.file),
      JSON.stringify({ id: state.id, url: state.url, file: state.file, sha256: state.sha256 }),
    );
    const offset = (await stat(part).catch(() => undefined))?.size ?? 0;
    await fetchToFile(state.url, part, {
      signal,
      verified: Boolean(state.sha256),
      offset,
      headers: this.headersFor(state.url),
      beforeWrite: async (size) => {
        if (size === undefined) return;
        await ensureRoom(this.partDir, size.remaining, state.file);
        // On another disk the finished file is copied over whole, so that disk needs room for all of it.
        if (!(await sameDisk(this.partDir, this.modelsDir))) await ensureRoom(this.modelsDir, size.total, state.file);
      },
      onProgress: ({ receivedBytes, totalBytes, speedBps }) =>
        this.update(active, {
          receivedBytes,
          totalBytes,
          speedBps,
          etaSec: totalBytes && speedBps > 0 ? Math.round((totalBytes - receivedBytes) / speedBps) : undefined,
        }),
    });
    this.update(active, { status: 'verifying', speedBps: 0, etaSec: undefined });
    if (state.sha256) {
      const actual = await sha256Of(part);
      if (actual !== state.sha256) {
        await this.discard(state.file);
        throw new Error(
          `Checksum mismatch for ${state.file}: expected ${state.sha256}, got ${actual}. The file was removed; check the URL and the checksum.`,
        );
      }
    }
    await moveInto(part, path.join(this.modelsDir, state.file));
    await rm(this.journalFile(state.file), { force: true });
    const size = (await stat(path.join(this.modelsDir, state.file))).size;
    this.update(active, { status: 'done', receivedBytes: size, totalBytes: size });
  }

  /** What a failed row says: a full disk in words, with what arrived and what is free. */
  private async describeFailure(error: unknown, state: DownloadState, receivedBytes: number): Promise<string> {
    if (!isDiskFull(error)) return withHint(error);
    const of = state.totalBytes !== undefined ? ` of ${formatBytes(state.totalBytes)}` : '';
    return (
      `The disk filled up: ${state.file} stopped at ${formatBytes(receivedBytes)}${of}, and ${await freeSpaceWords(this.partDir)}. ` +
      'Free some space, then Retry: it goes on from where it stopped (Remove deletes what arrived).'
    );
  }

  private async discard(file: string): Promise<void> {
    await rm(this.partFile(file), { force: true });
    await rm(this.journalFile(file), { force: true });
  }

  private partFile(file: string): string {
    return path.join(this.partDir, `${file}.part`);
  }

  private journalFile(file: string): string {
    return path.join(this.partDir, `${file}.json`);
  }

  private update(active: Active, patch: Partial<DownloadState>): void {
    active.state = { ...active.state, ...patch, updatedAt: new Date().toISOString() };
    for (const key of Object.keys(active.state) as Array<keyof DownloadState>)
      if (active.state[key] === undefined) delete active.state[key];
    this.emit('progress', active.state);
  }
}

/** A failed row shows what to do too: a refused redirect says how to get past it. */
function withHint(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof AppFailure && error.hint ? `${message} ${error.hint}` : message;
}

export function fileNameFromUrl(url: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
  if (!/^[^/\\]+\.gguf$/i.test(last) || last.startsWith('.')) {
    throw new AppFailure({
      code: 'BAD_REQUEST',
      message: `Cannot tell a .gguf file name from ${url}.`,
      hint: 'Give the file name to save it as (it must end in .gguf).',
    });
  }
  return last;
}

async function sameDisk(a: string, b: string): Promise<boolean> {
  await mkdir(b, { recursive: true });
  const [x, y] = await Promise.all([stat(a), stat(b)]);
  return x.dev === y.dev;
}

/** Rename when on one disk; copy then rename when the cache and models folders are on different ones. */
async function moveInto(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const temp = `${to}.partial-${process.pid}`;
    await copyFile(from, temp);
    await rename(temp, to);
    await rm(from, { force: true });
  }
}
