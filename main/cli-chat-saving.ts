import { CHAT_DEFAULTS, newChatId, type ChatOptions, type Turn } from '../shared/chats';
import type { TryChatRequest } from '../shared/gateway';
import type { Api } from './cli-common';

/** One message as the gateway takes it. */
export type Message = TryChatRequest['messages'][number];

/**
 * A terminal conversation kept on the host as the Chat page keeps its own (chats.put), so it is
 * listed there and `chat --continue` picks it up. Each answered question is saved as it ends; a
 * save that fails says so once and the conversation goes on.
 */
export class SavedConversation {
  private known: number;

  private constructor(
    private readonly api: Api,
    private id: string,
    private readonly options: ChatOptions,
    known: number,
    /** The turns before this terminal's, for the model to read. */
    readonly history: Message[],
  ) {
    this.known = known;
  }

  static fresh(api: Api, options: ChatOptions): SavedConversation {
    return new SavedConversation(api, newChatId(), options, 0, []);
  }

  /** The conversation saved last (from the Chat page or a terminal), to go on with; undefined when there is none. */
  static async newest(api: Api, model: string | undefined, system: string | undefined): Promise<SavedConversation | undefined> {
    const newest = (await api.invoke('chats.list')).chats[0];
    return newest && SavedConversation.byId(api, newest.id, model, system);
  }

  /** A conversation kept on the host, to go on with (the host's NOT_FOUND when there is none by that id). */
  static async byId(api: Api, id: string, model: string | undefined, system: string | undefined): Promise<SavedConversation> {
    const chat = await api.invoke('chats.get', { id });
    const options = { ...chat.options, ...(model ? { model } : {}), ...(system !== undefined ? { system } : {}) };
    const history: Message[] = chat.turns.map(({ role, content }) => ({ role, content }));
    return new SavedConversation(api, chat.id, options, chat.turns.length, history);
  }

  get model(): string {
    return this.options.model;
  }

  get system(): string {
    return this.options.system;
  }

  /** Saves one question and its answer; the error's message when it could not. */
  async save(question: string, answer: string, meta: Turn['meta']): Promise<string | undefined> {
    const turns: Turn[] = [
      { role: 'user', content: question },
      { role: 'assistant', content: answer, ...(meta ? { meta } : {}) },
    ];
    try {
      await this.api.invoke('chats.put', { id: this.id, options: this.options, known: this.known, from: this.known, turns });
      this.known += turns.length;
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** /clear: what follows is a conversation of its own. */
  restart(): void {
    this.id = newChatId();
    this.known = 0;
  }
}

/** How answers are sampled (--max-tokens, --temperature); absent: the provider's defaults. */
export type Sampling = { maxTokens?: number; temperature?: number };

/** A terminal's new conversation as the Chat page keeps it, so it opens there with the same settings. */
export const terminalOptions = (model: string, system: string | undefined, sampling: Sampling): ChatOptions => ({
  ...CHAT_DEFAULTS,
  model,
  system: system ?? '',
  ...sampling,
});
