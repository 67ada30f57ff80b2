import { describe, expect, it } from 'vitest';
import { chatFileName, chatMarkdown } from './chat-markdown';
import { CHAT_DEFAULTS } from './chats';

describe('a conversation as Markdown', () => {
  it('has its name, model and system prompt, then each message under who said it, thinking folded', () => {
    const text = chatMarkdown({
      title: 'Colours',
      updatedAt: '2026-11-30T19:04:00.000Z',
      options: { ...CHAT_DEFAULTS, model: 'qwen3-8b', system: 'Be brief.\nOne word.' },
      turns: [
        { role: 'user', content: 'Name a colour\n' },
        { role: 'assistant', content: '**Blue.**\n\n```\ncode\n```', reasoning: ' The sky. ' },
      ],
    });
    expect(text).toBe(
      [
        '# Colours',
        '',
        '*qwen3-8b · last message 2026-11-30*',
        '',
        '**System prompt:**',
        '',
        '> Be brief.',
        '> One word.',
        '',
        '## You',
        '',
        'Name a colour',
        '',
        '## Assistant',
        '',
        '<details><summary>Thought</summary>',
        '',
        'The sky.',
        '',
        '</details>',
        '',
        '**Blue.**',
        '',
        '```',
        'code',
        '```',
        '',
      ].join('\n'),
    );
    // An answer with no text says so, rather than ending the file on its heading.
    const empty = chatMarkdown({
      title: 'x',
      updatedAt: '2026-11-30T00:00:00Z',
      options: CHAT_DEFAULTS,
      turns: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: ' \n' },
      ],
    });
    expect(empty.endsWith('## Assistant\n\n*(no text)*\n')).toBe(true);
    // No system prompt: no such section.
    expect(chatMarkdown({ title: 'x', updatedAt: '2026-11-30T00:00:00Z', options: CHAT_DEFAULTS, turns: [] })).not.toContain('System');
  });

  it('is named for the conversation in words safe on every OS', () => {
    expect(chatFileName('What is a proxy? (branch)')).toBe('What-is-a-proxy-branch.md');
    expect(chatFileName('Café / crème: notes')).toBe('Cafe-creme-notes.md');
    expect(chatFileName('???')).toBe('conversation.md');
    expect(chatFileName('CON')).toBe('chat-CON.md');
    expect(chatFileName('x'.repeat(100))).toBe(`${'x'.repeat(60)}.md`);
  });
});
