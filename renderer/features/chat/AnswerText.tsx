import type { ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CopyTextButton } from '../../components/CopyTextButton';

/** The text of a code element's children, for its Copy button. */
function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (node && typeof node === 'object' && 'props' in node) return textOf((node.props as { children?: ReactNode }).children);
  return '';
}

const COMPONENTS: Components = {
  // A code block keeps its language's name and gets a Copy button.
  pre: ({ children }) => {
    const code = textOf(children).replace(/\n$/, '');
    const language = /language-([\w+-]+)/.exec(
      (children && typeof children === 'object' && 'props' in children ? (children.props as { className?: string }).className : '') ?? '',
    )?.[1];
    return (
      <div className="chat-code" data-testid="chat-code">
        <div className="chat-code-bar">
          <span className="mono muted">{language ?? 'code'}</span>
          <CopyTextButton text={code} what="the code" testId="chat-code-copy" />
        </div>
        <pre>{children}</pre>
      </div>
    );
  },
  // Links open outside the app (the desktop shell hands them to the browser).
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  ),
  // A model's image would be fetched from anywhere it names (and the page's policy blocks it): a link instead.
  img: ({ src, alt }) => (
    <a href={typeof src === 'string' ? src : undefined} target="_blank" rel="noreferrer noopener">
      {alt || 'image'}
    </a>
  ),
};

/**
 * An answer as Markdown (GitHub's flavour: tables, lists, code): what models write. Raw HTML in it
 * is left out, never run, and unsafe link schemes are dropped (react-markdown's defaults).
 */
export function AnswerText({ text }: { text: string }) {
  return (
    <div className="chat-markdown">
      <Markdown remarkPlugins={[remarkGfm]} components={COMPONENTS}>
        {text}
      </Markdown>
    </div>
  );
}
