import { CHAT_DEFAULTS, newChatId, type ChatOptions, type Turn } from '../shared/chats';
import type { TryChatRequest } from '../shared/gateway';
import type { Api } from './cli-common';

/** How answers are sampled (--max-tokens, --temperature); absent: the provider's defaults. */
export type Sampling = { maxTokens?: number; temperature?: number };

/** What the command line names for a conversation it goes on with. */
type Overrides = { model?: string; system?: string; sampling: Sampling };

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
  static async newest(api: Api, overrides: Overrides): Promise<SavedConversation | undefined> {
    const newest = (await api.invoke('chats.list')).chats[0];
    return newest && SavedConversation.byId(api, newest.id, overrides);
  }

  /**
   * A conversation kept on the host, to go on with (the host's NOT_FOUND when there is none by that
   * id). It goes on with its own model, system prompt and sampling, except what the command line names.
   */
  static async byId(api: Api, id: string, overrides: Overrides): Promise<SavedConversation> {
    const chat = await api.invoke('chats.get', { id });
    const { model, system, sampling } = overrides;
    const options = { ...chat.options, ...(model ? { model } : {}), ...(system !== undefined ? { system } : {}), ...sampling };
    const history: Message[] = chat.turns.map(({ role, content }) => ({ role, content }));
    return new SavedConversation(api, chat.id, options, chat.turns.length, history);
  }

  /** How its answers are sampled: the conversation's own settings (the Chat page's fields), or what the command line named. */
  get sampling(): Sampling {
    const { maxTokens, temperature } = this.options;
    return { maxTokens, ...(temperature !== undefined ? { temperature } : {}) };
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

/** A terminal's new conversation as the Chat page keeps it, so it opens there with the same settings. */
export const terminalOptions = (model: string, system: string | undefined, sampling: Sampling): ChatOptions => ({
  ...CHAT_DEFAULTS,
  model,
  system: system ?? '',
  ...sampling,
});
