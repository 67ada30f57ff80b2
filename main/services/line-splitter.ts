/**
 * Turns a stream of chunks into lines. A line longer than `maxLineChars` is cut there, so one
 * runaway line (a progress bar without newlines) cannot grow memory without bound.
 */
export class LineSplitter {
  private partial = '';

  constructor(private readonly maxLineChars = 16 * 1024) {}

  push(chunk: string): string[] {
    const text = this.partial + chunk;
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    const lines: string[] = [];
    for (const part of parts) lines.push(...this.cut(asShown(part)));
    while (this.partial.length > this.maxLineChars) {
      lines.push(this.partial.slice(0, this.maxLineChars));
      this.partial = this.partial.slice(this.maxLineChars);
    }
    return lines;
  }

  /** What is left after the stream ended without a final newline. */
  flush(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest ? this.cut(rest) : [];
  }

  private cut(line: string): string[] {
    line = asShown(line);
    if (line.length <= this.maxLineChars) return [line];
    const pieces: string[] = [];
    for (let i = 0; i < line.length; i += this.maxLineChars) pieces.push(line.slice(i, i + this.maxLineChars));
    return pieces;
  }
}

/**
 * What a terminal would show of a line: progress bars (git, pip) redraw it with carriage returns,
 * and only the last drawing is left.
 */
function asShown(line: string): string {
  if (!line.includes('\r')) return line;
  return line.split('\r').filter((segment) => segment.length > 0).pop() ?? '';
}
