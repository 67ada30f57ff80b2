import type { Chat } from './chats';

/**
 * A conversation as Markdown, to keep or share outside the app: its name, model and system prompt,
 * then each message under who said it. An answer's thinking is folded (<details>), as the page
 * shows it; a message is Markdown already, so it goes in as written.
 */
export function chatMarkdown(chat: Pick<Chat, 'title' | 'updatedAt' | 'options' | 'turns'>): string {
  const { options } = chat;
  const lines = [
    `# ${chat.title}`,
    '',
    `*${[options.model || 'no model', `last message ${chat.updatedAt.slice(0, 10)}`].join(' · ')}*`,
    '',
  ];
  if (options.system.trim()) lines.push('**System prompt:**', '', quote(options.system), '');
  for (const turn of chat.turns) {
    lines.push(turn.role === 'user' ? '## You' : '## Assistant', '');
    if (turn.reasoning) lines.push('<details><summary>Thought</summary>', '', turn.reasoning.trim(), '', '</details>', '');
    // An answer with no text (a model that stopped at once, or only thought) says so: an empty
    // section at the end reads as a file cut short.
    lines.push(turn.content.trim() || (turn.role === 'assistant' ? NO_TEXT_MARKDOWN : ''), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** What an answer with no text shows, here and on the page. */
export const NO_TEXT = '(no text)';
const NO_TEXT_MARKDOWN = `*${NO_TEXT}*`;

/** A file name for it: the name's words, safe on every OS. */
export function chatFileName(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // the accents NFKD took apart: café → cafe
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  // Names Windows keeps for devices, whatever the extension.
  const reserved = /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(words);
  return `${reserved ? `chat-${words}` : words || 'conversation'}.md`;
}

function quote(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}
