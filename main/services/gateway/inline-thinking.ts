const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Splits thinking sent inline, as <think>…</think> at the start of the answer (older llama-server,
 * Ollama, vLLM without a reasoning parser), from the answer, as it streams: each piece goes to
 * `emit` as reasoning or as answer. A tag cut across pieces is held until it is whole.
 */
export class InlineThinking {
  private state: 'start' | 'thinking' | 'answer' = 'start';
  private held = '';
  private answerStarted = false;

  constructor(private readonly emit: (text: string, reasoning: boolean) => void) {}

  push(text: string): void {
    this.held += text;
    for (;;) {
      if (this.state === 'start') {
        const trimmed = this.held.trimStart();
        if (trimmed.startsWith(OPEN)) {
          this.held = trimmed.slice(OPEN.length);
          this.state = 'thinking';
          continue;
        }
        // Still perhaps the opening tag (or only whitespace so far): wait for more.
        if (OPEN.startsWith(trimmed)) return;
        this.state = 'answer';
        continue;
      }
      if (this.state === 'thinking') {
        const end = this.held.indexOf(CLOSE);
        if (end >= 0) {
          this.out(this.held.slice(0, end), true);
          this.held = this.held.slice(end + CLOSE.length);
          this.state = 'answer';
          continue;
        }
        const keep = partialTagAtEnd(this.held, CLOSE);
        this.out(this.held.slice(0, this.held.length - keep), true);
        this.held = this.held.slice(this.held.length - keep);
        return;
      }
      // The blank lines between the thinking and the answer belong to neither.
      const text = this.answerStarted ? this.held : this.held.trimStart();
      this.held = '';
      if (text) {
        this.answerStarted = true;
        this.out(text, false);
      }
      return;
    }
  }

  /** The stream ended: what is held goes out as what it was (a thought never closed stays a thought). */
  end(): void {
    const held = this.held;
    this.held = '';
    if (this.state === 'thinking') this.out(held, true);
    else if (held.trim()) this.out(held, false);
  }

  private out(text: string, reasoning: boolean): void {
    if (text) this.emit(text, reasoning);
  }
}

/** How many characters at the end of `text` could be the start of `tag`. */
function partialTagAtEnd(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) if (tag.startsWith(text.slice(-n))) return n;
  return 0;
}

/**
 * An answer whose template opened the thinking itself (Qwen3's thinking models, DeepSeek R1 0528):
 * the model's text has the closing tag only. Known once the answer is whole.
 */
export function splitClosedThinking(text: string): { reasoning: string; answer: string } | undefined {
  const end = text.indexOf(CLOSE);
  if (end < 0 || text.slice(0, end).includes(OPEN)) return undefined;
  return { reasoning: text.slice(0, end).trim(), answer: text.slice(end + CLOSE.length).trimStart() };
}
