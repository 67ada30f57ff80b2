import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import {
  CHAT_MAX_TURNS,
  CHAT_TITLE_MAX_CHARS,
  branchName,
  chatName,
  ChatOriginSchema,
  newChatId,
  ChatIdSchema,
  ChatOptionsSchema,
  ChatTurnSchema,
  chatTitle,
  type Chat,
  type ChatList,
  type ChatPut,
  type ChatSummary,
} from '../../../shared/chats';
import { CHAT_SEARCH_MAX_HITS, searchTerms, termPatterns, type ChatSearchResult } from '../../../shared/chat-search';
import { AppFailure } from '../../../shared/errors';
import { freeSpaceWords, isDiskFull } from '../os/disk-space';
import { foundIn, searchChat, type ChatFound, type ChatMatch } from './chat-search';
import { FolderChanges } from './folder-changes';
import { KeptConversations, stampOf } from './kept-conversations';

/**
 * Conversations read at once: several in flight keep the disk busy, where one at a time waits on
 * each in turn; a bound leaves libuv's pool to the host's other file work (logs) between them.
 */
const FILES_AT_ONCE = 16;
/** How long the folder stays quiet after a change from outside before the windows are told. */
const QUIET_MS = 300;
/** Files looked at (stat) together. */
const STAT_BATCH = 32;
/** The longest a search matches conversations before the event loop (the gateway's too) gets a turn. */
const MATCH_SLICE_MS = 4;

/** The conversations' files, each with its stamp (stampOf), and those that could not be looked at. */
interface Stamped {
  files: Array<{ name: string; file: string; stamp: string }>;
  unreadable: string[];
}

/** A conversation's file: what the host keeps, checked whenever it is read. */
const ChatFileSchema = z
  .object({
    version: z.literal(1),
    id: ChatIdSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    options: ChatOptionsSchema,
    turns: z.array(ChatTurnSchema).max(CHAT_MAX_TURNS),
    /** The name given by hand, if any (a longer one, edited in the file, is cut when shown rather than costing the conversation). */
    title: z.string().max(100_000).optional(),
    branchedFrom: ChatOriginSchema.optional(),
  })
  .strict();
type ChatFile = z.infer<typeof ChatFileSchema>;

/**
 * The Chat page's conversations, one JSON file each in chats/ under the base directory, so every
 * browser and the desktop window see the same ones. Writes are atomic and, per conversation, one
 * at a time; a file that cannot be read is left as it is and named in the list.
 */
export class ChatStore extends EventEmitter<{ changed: [ChatList] }> {
  /** Summaries by file, while the file is unchanged (stampOf): listing does not re-read every conversation. */
  private readonly summaries = new Map<string, { stamp: string; summary: ChatSummary }>();
  /** Conversations read (for the list or a search), kept for the next search. */
  private readonly kept = new KeptConversations();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly limit = pLimit(FILES_AT_ONCE);
  /** Each file's stamp when last looked at, and which have changed since (as the OS tells). */
  private readonly stamps = new Map<string, string>();
  private readonly changes: FolderChanges;
  private looking: Promise<unknown> = Promise.resolve();
  /** The list the last 'changed' event carried, as JSON: a change reported twice is told once. */
  private told = '';
  private announcing: NodeJS.Timeout | undefined;

  constructor(private readonly dir: string) {
    super();
    this.changes = new FolderChanges(dir, undefined, (name) => {
      // A write's temporary file is not a conversation (yet): its rename to .json is reported too.
      if (name === undefined || name.endsWith('.json')) this.changedOutside();
    });
  }

  async list(): Promise<ChatList> {
    const { files, unreadable } = await this.stamped();
    const changed = files.filter(({ name, stamp }) => this.summaries.get(name)?.stamp !== stamp);
    // What is read for the list is kept for a search too (the first one after the Chat page opens
    // need not read every file again).
    await this.limit.map(changed, async ({ name, file, stamp }) => {
      try {
        const read = await this.loadSized(file);
        const chat = chatOf(read.file);
        this.summaries.set(name, { stamp, summary: summaryOf(chat) });
        this.kept.keep(name, stamp, chat, read.bytes);
      } catch (error) {
        if (!isGone(error)) unreadable.push(file);
      }
    });
    if (changed.length > 0) this.kept.used();
    const chats: ChatSummary[] = [];
    for (const { name, stamp } of files) {
      const known = this.summaries.get(name);
      if (known?.stamp === stamp) chats.push(known.summary);
    }
    chats.sort(newestFirst);
    return { chats, unreadable: unreadable.sort() };
  }

  /**
   * The conversations that have every word of `query` in their name or messages, newest first.
   * The page asks once typing pauses; conversations read for one search are kept (within a
   * budget, while their files are unchanged) for the next, so a word typed more reads only what
   * changed. Matching gives the event loop (the gateway's too) a turn every few milliseconds.
   */
  async search(query: string): Promise<ChatSearchResult> {
    const patterns = termPatterns(searchTerms(query));
    // A hit is described (marks, snippet) only if it is among those answered; one not kept in
    // memory is described at once rather than held till then.
    const hits: Array<{ summary: ChatSummary; chat?: Chat; match?: ChatMatch; found?: ChatFound }> = [];
    this.kept.used();
    let slice = performance.now();
    const match = async (chat: Chat, kept: boolean) => {
      if (performance.now() - slice > MATCH_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const found = searchChat(chat, patterns);
      if (!found) return;
      const summary = summaryOf(chat);
      hits.push(kept ? { summary, chat, match: found } : { summary, found: foundIn(chat, found, patterns) });
    };
    const { files, unreadable } = await this.stamped();
    const kept: Chat[] = [];
    const toRead: typeof files = [];
    for (const file of files) {
      const chat = this.kept.get(file.name, file.stamp);
      if (chat) kept.push(chat);
      else toRead.push(file);
    }
    // Those read now are matched as they come (and kept while there is room), not held for the end.
    await this.limit.map(toRead, async ({ name, file, stamp }) => {
      let read: { file: ChatFile; bytes: number };
      try {
        read = await this.loadSized(file);
      } catch (error) {
        if (!isGone(error)) unreadable.push(file);
        return;
      }
      const chat = chatOf(read.file);
      await match(chat, this.kept.keep(name, stamp, chat, read.bytes));
    });
    for (const chat of kept) await match(chat, true);
    this.kept.used();
    hits.sort((a, b) => newestFirst(a.summary, b.summary));
    return {
      query,
      hits: hits
        .slice(0, CHAT_SEARCH_MAX_HITS)
        .map(({ summary, chat, match: m, found }) => ({ ...summary, ...(found ?? foundIn(chat!, m!, patterns)) })),
      more: Math.max(0, hits.length - CHAT_SEARCH_MAX_HITS),
      unreadable: unreadable.sort(),
    };
  }

  /**
   * Each conversation's file with its stamp (stampOf); a file gone meanwhile is left out, one that
   * cannot be looked at is named. Only files the OS reports changed (FolderChanges) are looked at
   * again, one look at a time, so two callers never take each other's changes.
   */
  private stamped(): Promise<Stamped> {
    const run = this.looking.then(() => this.lookAtFiles());
    this.looking = run.catch(() => undefined);
    return run;
  }

  private async lookAtFiles(): Promise<Stamped> {
    const names = await this.fileNames();
    // After the folder was read, so a change finished before the caller asked has been reported.
    const changes = this.changes.take();
    const toLook = changes === 'everything' ? names : names.filter((name) => changes.has(name) || !this.stamps.has(name));
    const unreadable: string[] = [];
    // In batches: all at once, the answers came back together and held the event loop 15-30 ms;
    // through p-limit one by one, the bookkeeping cost four times the batches' time.
    for (let start = 0; start < toLook.length; start += STAT_BATCH) {
      await Promise.all(
        toLook.slice(start, start + STAT_BATCH).map((name) => {
          const file = path.join(this.dir, name);
          return stat(file).then(
            (stats) => void this.stamps.set(name, stampOf(stats)),
            (error: unknown) => {
              this.stamps.delete(name);
              if (!isGone(error)) unreadable.push(file);
            },
          );
        }),
      );
    }
    // What is known of files no longer there (or no longer readable) is let go here, for the
    // list's summaries and the search's kept conversations alike.
    const present = new Set(names);
    for (const name of [...this.stamps.keys()]) if (!present.has(name)) this.stamps.delete(name);
    for (const name of [...this.summaries.keys()]) if (!this.stamps.has(name)) this.summaries.delete(name);
    this.kept.keepOnly(this.stamps);
    const files: Stamped['files'] = [];
    for (const name of names) {
      const stamp = this.stamps.get(name);
      if (stamp !== undefined) files.push({ name, file: path.join(this.dir, name), stamp });
    }
    return { files, unreadable };
  }

  /** Stops watching the folder (a host that closes). */
  close(): void {
    this.changes.close();
    clearTimeout(this.announcing);
  }

  /**
   * A conversation's file changed, perhaps not through this store (copied in, restored by hand,
   * synced from another machine): once the folder is quiet, every window is told, if the list
   * changed (the store's own saves have told them already).
   */
  private changedOutside(): void {
    clearTimeout(this.announcing);
    this.announcing = setTimeout(() => void this.changed().catch(() => undefined), QUIET_MS);
    this.announcing.unref();
  }

  async get(id: string): Promise<Chat> {
    return this.read(this.fileOf(id), id);
  }

  /** Applies one change (see ChatPut) and answers the conversation's summary. */
  put(change: ChatPut): Promise<ChatSummary> {
    return this.oneAtATime(change.id, async () => {
      const file = this.fileOf(change.id);
      const existing = await this.load(file, change.id).catch((error: unknown) => {
        if (error instanceof AppFailure && error.code === 'NOT_FOUND') return undefined;
        throw error;
      });
      const held = existing?.turns.length ?? 0;
      if (change.known !== held) {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `This conversation has ${held} turns here, not the ${change.known} this page has: it was changed elsewhere, and saving would write over that.`,
          hint: 'It was changed or deleted in another window or browser: open it again from the list (or reload the Chat page).',
        });
      }
      const turns = [...(existing?.turns.slice(0, change.from) ?? []), ...change.turns];
      if (turns.length > CHAT_MAX_TURNS) {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `This conversation has reached ${CHAT_MAX_TURNS} turns, as many as one keeps.`,
          hint: 'Start a new chat (its oldest turns were long no longer sent to the model anyway).',
        });
      }
      const now = new Date().toISOString();
      return this.save(file, {
        version: 1,
        id: change.id,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        options: change.options,
        turns,
        ...(existing?.title ? { title: existing.title } : {}),
        ...(existing?.branchedFrom ? { branchedFrom: existing.branchedFrom } : {}),
      });
    });
  }

  /** Gives a conversation its own name, or (empty) names it by its first question again; it keeps its place in the list. */
  rename(id: string, title: string): Promise<ChatSummary> {
    return this.oneAtATime(id, async () => {
      const file = this.fileOf(id);
      const { title: _old, ...existing } = await this.load(file, id);
      const name = chatName(title);
      return this.save(file, { ...existing, ...(name ? { title: name } : {}) });
    });
  }

  /**
   * A new conversation from the first `turns` turns of `id` (and its options), named as its branch
   * and the newest in the list; `id` stays as it is. Answers the new one's summary.
   */
  branch(id: string, turns: number): Promise<ChatSummary> {
    return this.oneAtATime(id, async () => {
      const source = chatOf(await this.load(this.fileOf(id), id));
      if (turns > source.turns.length) {
        throw new AppFailure({
          code: 'CONFLICT',
          message: `This conversation has ${source.turns.length} turns here, so there are not ${turns} to branch from: it was changed elsewhere.`,
          hint: 'Open it again from the list (or reload the Chat page) and branch from there.',
        });
      }
      const branch = newChatId();
      const now = new Date().toISOString();
      return this.save(this.fileOf(branch), {
        version: 1,
        id: branch,
        createdAt: now,
        updatedAt: now,
        options: source.options,
        turns: source.turns.slice(0, turns),
        title: branchName(source.title),
        branchedFrom: { id, turns },
      });
    });
  }

  private async save(file: string, content: ChatFile): Promise<ChatSummary> {
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(file, JSON.stringify(content));
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      // write-file-atomic wrote a temporary file and removed it: the conversation's file is as it was.
      throw new AppFailure({
        code: 'CONFLICT',
        message: `The conversation could not be saved: ${await freeSpaceWords(this.dir)}. What was saved of it before is kept as it was.`,
        hint: 'Free some disk space; the turns not saved stay on this page, and the next message (or a change of its options) saves them.',
      });
    } finally {
      // Looked at again next time, whenever (or whether) the watcher reports it.
      this.changes.mark(path.basename(file));
    }
    const summary = summaryOf(chatOf(content));
    // Known already: the list the change announces need not read this conversation back.
    this.summaries.set(path.basename(file), { stamp: stampOf(await stat(file)), summary });
    void this.changed();
    return summary;
  }

  async delete(id: string): Promise<ChatList> {
    const file = this.fileOf(id);
    await this.oneAtATime(id, () => rm(file, { force: true }));
    this.changes.mark(path.basename(file));
    return this.changed();
  }

  /** Lists the conversations once, for the event (when it differs from the last) and for the caller that wants them. */
  private async changed(): Promise<ChatList> {
    const list = await this.list();
    const told = JSON.stringify(list);
    if (told !== this.told) {
      this.told = told;
      this.emit('changed', list);
    }
    return list;
  }

  /** The conversations' files in chats/ (none while it does not exist yet). */
  private async fileNames(): Promise<string[]> {
    return (await readdir(this.dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${ChatIdSchema.parse(id)}.json`);
  }

  private async read(file: string, id?: string): Promise<Chat> {
    return chatOf(await this.load(file, id));
  }

  /** The file as it is kept, checked. */
  private async load(file: string, id?: string): Promise<ChatFile> {
    return (await this.loadSized(file, id)).file;
  }

  /** The file as it is kept, checked, and how many bytes it has. */
  private async loadSized(file: string, id?: string): Promise<{ file: ChatFile; bytes: number }> {
    let text: Buffer;
    try {
      text = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new AppFailure({
          code: 'NOT_FOUND',
          message: `There is no conversation ${id ?? path.basename(file, '.json')}.`,
          hint: 'It was deleted, perhaps in another window: pick another or start a new chat.',
        });
      }
      throw error;
    }
    try {
      return { file: ChatFileSchema.parse(JSON.parse(text.toString('utf8'))), bytes: text.length };
    } catch (error) {
      throw new AppFailure({
        code: 'CONFLICT',
        message: `${file} is not a conversation this version can read: ${(error as Error).message.slice(0, 300)}`,
        hint: 'It was left as it is. Fix or remove the file; the other conversations are unaffected.',
      });
    }
  }

  private oneAtATime<T>(id: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(id) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return run;
  }
}

function chatOf({ version: _version, title, ...chat }: ChatFile): Chat {
  const name = chatName(title ?? '')
    .slice(0, CHAT_TITLE_MAX_CHARS)
    .trimEnd();
  return { ...chat, title: name || chatTitle(chat.turns) };
}

function newestFirst(a: { updatedAt: string }, b: { updatedAt: string }): number {
  return a.updatedAt < b.updatedAt ? 1 : -1;
}

/** Deleted since the folder was read: left out, not named as unreadable. */
function isGone(error: unknown): boolean {
  return (error instanceof AppFailure && error.code === 'NOT_FOUND') || (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function summaryOf(chat: Chat): ChatSummary {
  return { id: chat.id, title: chat.title, updatedAt: chat.updatedAt, turns: chat.turns.length, model: chat.options.model };
}
