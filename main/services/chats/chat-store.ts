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
import { CHAT_SEARCH_MAX_HITS, searchTerms, termPatterns, type ChatSearchHit, type ChatSearchResult } from '../../../shared/chat-search';
import { AppFailure } from '../../../shared/errors';
import { freeSpaceWords, isDiskFull } from '../os/disk-space';
import { searchChat } from './chat-search';
import { KeptConversations, stampOf } from './kept-conversations';

/**
 * Files stat'ed or read at once: many in flight keep the disk (and libuv's pool) busy, where one
 * at a time waits on each in turn (2,000 stat calls: about 25 ms against 200 ms here); a bound
 * leaves the pool to the host's other file work (logs) between them.
 */
const FILES_AT_ONCE = 16;
/** The longest a search matches conversations before the event loop (the gateway's too) gets a turn. */
const MATCH_SLICE_MS = 4;

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
  /** Conversations read by the last searches, for the next. */
  private readonly kept = new KeptConversations();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly limit = pLimit(FILES_AT_ONCE);

  constructor(private readonly dir: string) {
    super();
  }

  async list(): Promise<ChatList> {
    const chats: ChatSummary[] = [];
    const { names, unreadable } = await this.eachFile(async (name, file, stamp) => {
      const known = this.summaries.get(name);
      if (known?.stamp === stamp) return void chats.push(known.summary);
      const summary = summaryOf(await this.read(file));
      this.summaries.set(name, { stamp, summary });
      chats.push(summary);
    });
    const present = new Set(names);
    for (const name of [...this.summaries.keys()]) if (!present.has(name)) this.summaries.delete(name);
    chats.sort(newestFirst);
    return { chats, unreadable };
  }

  /**
   * The conversations that have every word of `query` in their name or messages, newest first.
   * The page asks once typing pauses; conversations read for one search are kept (within a
   * budget, while their files are unchanged) for the next, so a word typed more reads only what
   * changed. Each conversation is matched between file operations, so the event loop (the
   * gateway's too) gets its turn after each.
   */
  async search(query: string): Promise<ChatSearchResult> {
    const patterns = termPatterns(searchTerms(query));
    const hits: ChatSearchHit[] = [];
    this.kept.used();
    let slice = performance.now();
    const { names, unreadable } = await this.eachFile(async (name, file, stamp) => {
      // Files read together finish together, and their matching would run back to back: past a
      // slice, the rest wait for the event loop's next turn.
      if (performance.now() - slice > MATCH_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      let chat = this.kept.get(name, stamp);
      if (!chat) {
        const { file: content, bytes } = await this.loadSized(file);
        chat = chatOf(content);
        this.kept.keep(name, stamp, chat, bytes);
      }
      const found = searchChat(chat, patterns);
      if (found) hits.push({ ...summaryOf(chat), ...found });
    });
    this.kept.keepOnly(new Set(names));
    this.kept.used();
    hits.sort(newestFirst);
    return { query, hits: hits.slice(0, CHAT_SEARCH_MAX_HITS), more: Math.max(0, hits.length - CHAT_SEARCH_MAX_HITS), unreadable };
  }

  /**
   * Calls `work` for each conversation's file with its stamp (stampOf), a few at a time. A file
   * gone meanwhile is left out; one that cannot be read (or that `work` fails on) is named.
   */
  private async eachFile(
    work: (name: string, file: string, stamp: string) => Promise<void>,
  ): Promise<{ names: string[]; unreadable: string[] }> {
    const names = await this.fileNames();
    const unreadable: string[] = [];
    await this.limit.map(names, async (name) => {
      const file = path.join(this.dir, name);
      try {
        await work(name, file, stampOf(await stat(file)));
      } catch (error) {
        if (!isGone(error)) unreadable.push(file);
      }
    });
    // Files finish in any order; the list names them in the same one each time.
    return { names, unreadable: unreadable.sort() };
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
    }
    const summary = summaryOf(chatOf(content));
    // Known already: the list the change announces need not read this conversation back.
    this.summaries.set(path.basename(file), { stamp: stampOf(await stat(file)), summary });
    void this.changed();
    return summary;
  }

  async delete(id: string): Promise<ChatList> {
    await this.oneAtATime(id, () => rm(this.fileOf(id), { force: true }));
    return this.changed();
  }

  /** Lists the conversations once, for the event and for the caller that wants them. */
  private async changed(): Promise<ChatList> {
    const list = await this.list();
    this.emit('changed', list);
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
