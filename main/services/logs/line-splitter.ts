/** What a line cut at the cap ends with, so nobody takes the cut for the whole line. */
export const CUT_MARK = ' … [line cut: longer than the limit, the rest of it is not kept in memory]';

/**
 * Turns a stream of chunks into lines. A line longer than `maxLineChars` is kept up to there,
 * marked with `CUT_MARK`, and the rest of it is dropped up to its newline: a provider printing a
 * gigabyte without a newline (a progress bar, a binary blob) costs at most `maxLineChars` here,
 * and one line in the ring, not a flood of pieces.
 */
export class LineSplitter {
  private partial = '';
  /** Inside a line that was already cut and sent: drop everything up to its newline. */
  private dropping = false;

  constructor(
    private readonly maxLineChars = 16 * 1024,
    private readonly mark = CUT_MARK,
  ) {}

  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; start = end + 1, end = chunk.indexOf('\n', start)) {
      if (this.dropping) {
        this.dropping = false;
        this.partial = '';
        continue;
      }
      const line = this.bounded(this.partial + chunk.slice(start, end));
      this.partial = '';
      lines.push(this.dropping ? line : asShown(line));
      this.dropping = false;
    }
    if (!this.dropping && start < chunk.length) {
      this.partial = this.bounded(this.partial + chunk.slice(start));
      // Over the cap with no newline yet: send what we keep now, so the line shows while it runs on.
      if (this.dropping) {
        lines.push(this.partial);
        this.partial = '';
      }
    }
    return lines;
  }

  /** What is left after the stream ended without a final newline. */
  flush(): string[] {
    const rest = this.partial;
    this.partial = '';
    this.dropping = false;
    return rest ? [asShown(rest)] : [];
  }

  /**
   * The text of a line so far, at most `maxLineChars`. A redrawn line (carriage returns) is
   * first reduced to its last drawing, which is all a terminal would show; only a single drawing
   * over the cap is cut (and then `dropping` is set).
   */
  private bounded(text: string): string {
    if (text.length <= this.maxLineChars) return text;
    const redraw = text.lastIndexOf('\r', text.length - 2);
    if (redraw !== -1) text = text.slice(redraw + 1);
    if (text.length <= this.maxLineChars) return text;
    this.dropping = true;
    return asShown(text.slice(0, this.maxLineChars)) + this.mark;
  }
}

/**
 * What a terminal would show of a line: progress bars (git, pip) redraw it with carriage returns,
 * and only the last drawing is left.
 */
function asShown(line: string): string {
  if (!line.includes('\r')) return line;
  return (
    line
      .split('\r')
      .filter((segment) => segment.length > 0)
      .pop() ?? ''
  );
}
