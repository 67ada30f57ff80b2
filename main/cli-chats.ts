import { CHAT_SEARCH_MAX_CHARS, markedPieces, type ChatSearchHit, type ChatSearchResult } from '../shared/chat-search';
import { chatMarkdown } from '../shared/chat-markdown';
import { ChatIdSchema, type ChatList, type ChatSummary } from '../shared/chats';
import { colours, parse, printJson, UsageError, viaHostOr } from './cli-common';
import { ARGS } from './cli-options';
import type { ChatStore } from './services/chats/chat-store';

type Paint = ReturnType<typeof colours>;

/**
 * `chats [<words>...]`: the conversations kept on the host (the Chat page's and terminals'),
 * newest first, or those with every word in their name or messages, each with the message it was
 * found by. Only reads: from the running host, else from the folder itself.
 */
export async function runChats(args: string[]): Promise<number> {
  const { values, positionals } = parse('chats', args, ARGS.chats);
  const query = positionals.join(' ').trim();
  if (values.export !== undefined) return exportChat(values.export, query);
  if (query.length > CHAT_SEARCH_MAX_CHARS) throw new UsageError(`Look for at most ${CHAT_SEARCH_MAX_CHARS} characters.`, 'chats');
  if (query) {
    const found = await viaHostOr(
      (api) => api.invoke('chats.search', { query }),
      async () => (await storeWithoutHost()).search(query),
    );
    if (values.json) printJson(found);
    else console.log(formatChatSearch(found));
    return 0;
  }
  const list = await viaHostOr(
    (api) => api.invoke('chats.list'),
    async () => (await storeWithoutHost()).list(),
  );
  if (values.json) printJson(list);
  else console.log(formatChatList(list));
  return 0;
}

/** `chats --export <id>`: the conversation as Markdown on stdout (`> file.md`). */
async function exportChat(id: string, query: string): Promise<number> {
  if (query) throw new UsageError("--export takes one conversation's id and no words to look for.", 'chats');
  conversationIdArg('--export', id, 'chats');
  const chat = await viaHostOr(
    (api) => api.invoke('chats.get', { id }),
    async () => (await storeWithoutHost()).get(id),
  );
  process.stdout.write(chatMarkdown(chat));
  return 0;
}

/** A conversation's id given to `option`, checked before anything is asked of the host (a usage error, exit 2). */
export function conversationIdArg(option: string, id: string, command: string): void {
  if (!ChatIdSchema.safeParse(id).success)
    throw new UsageError(`${option} takes a conversation's id as "chats" lists them (chat-…), not "${id.slice(0, 80)}".`, command);
}

export function formatChatList(list: ChatList, c: Paint = colours()): string {
  const lines = list.chats.map((chat) => `${c.bold(chat.title)}\n  ${facts(chat, c)}`);
  if (lines.length === 0) lines.push('No conversation is kept yet: the Chat page and "chat" keep theirs.');
  else lines.push(c.dim(`Go on with one: local-llm-manager chat --resume <id>. Find one: local-llm-manager chats <words>.`));
  return [...lines, ...unreadable(list.unreadable, c)].join('\n');
}

export function formatChatSearch(found: ChatSearchResult, c: Paint = colours()): string {
  const lines = found.hits.map((hit) => {
    const head = `${c.bold(marked(hit.title, hit.titleMarks, c))}\n  ${facts(hit, c)}${matching(hit)}`;
    if (!hit.snippet) return head;
    return `${head}\n  ${hit.snippet.role === 'user' ? 'You: ' : ''}${marked(hit.snippet.text, hit.snippet.marks, c)}`;
  });
  if (lines.length === 0) lines.push(`No conversation has “${found.query}” in its name or messages.`);
  if (found.more > 0) lines.push(c.dim(`…and ${found.more} older: another word narrows them down.`));
  return [...lines, ...unreadable(found.unreadable, c)].join('\n');
}

function facts(chat: ChatSummary, c: Paint): string {
  const when = chat.updatedAt.slice(0, 16).replace('T', ' ');
  return c.dim(`${chat.id}  ${when} UTC · ${chat.turns} message${chat.turns === 1 ? '' : 's'} · ${chat.model || 'no model'}`);
}

function matching(hit: ChatSearchHit): string {
  return hit.matchingTurns > 0 ? ` · found in ${hit.matchingTurns} message${hit.matchingTurns === 1 ? '' : 's'}` : '';
}

/** The found words in colour (on a terminal). */
function marked(text: string, marks: ReadonlyArray<readonly [number, number]>, c: Paint): string {
  return markedPieces(text, marks)
    .map((piece) => (piece.marked ? c.yellow(piece.text) : piece.text))
    .join('');
}

function unreadable(files: string[], c: Paint): string[] {
  return files.map((file) => c.yellow(`Could not read ${file}: left as it is.`));
}

/** No host runs: the conversations are read from the folder (listing and finding write nothing). */
async function storeWithoutHost(): Promise<ChatStore> {
  const [{ openBaseDir }, { ChatStore }] = await Promise.all([import('./host'), import('./services/chats/chat-store')]);
  const base = await openBaseDir({ readOnly: true });
  return new ChatStore(base.paths.chats);
}
