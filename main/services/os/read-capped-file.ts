import { open } from 'node:fs/promises';
import { AppFailure } from '../../../shared/errors';

/** Caps for the files the host reads back; each is far above what the app itself ever writes. */
export const READ_CAPS = {
  /** A user recipe (`config/providers.d/*.yaml`). */
  recipe: 1024 * 1024,
  /** A JSON state file we wrote ourselves (run records, install and download journals). */
  state: 4 * 1024 * 1024,
} as const;

/**
 * Reads a whole text file, but never more than `maxBytes`: a file grown huge by mistake (or a
 * log pasted into a config folder) must not fill the host's memory or stall it parsing. Reads at
 * most `maxBytes + 1` bytes whatever `stat` says, so a file still growing, or one whose size
 * the OS does not report (a FIFO, /proc), is bounded too.
 *
 * Throws an `AppFailure` (`IO_ERROR`) naming the file, its size and the cap; errors from the
 * OS (ENOENT, EACCES, …) are thrown as they are, so callers can tell "missing" from "too big".
 */
export async function readCappedFile(file: string, maxBytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw tooBig(file, size, maxBytes, false);
    // One byte over the size we expect, to notice a file longer than `stat` said.
    let buffer = Buffer.alloc(Math.min(Math.max(size, 8192), maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw tooBig(file, length, maxBytes, true);
        const bigger = Buffer.alloc(Math.min(length * 2, maxBytes + 1));
        buffer.copy(bigger);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.toString('utf8', 0, length);
      length += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

function tooBig(file: string, size: number, maxBytes: number, atLeast: boolean): AppFailure {
  return new AppFailure({
    code: 'IO_ERROR',
    message: atLeast
      ? `${file} grew past ${formatBytes(maxBytes)} while being read, the most this app reads from such a file; it was not used.`
      : `${file} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} this app reads from such a file; it was not read.`,
    hint: `Check that it is the file you meant (not a log or a download saved under that name); shrink it below ${formatBytes(maxBytes)}, or move it away.`,
    details: { file, size, maxBytes },
  });
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes % 1024 ? 1 : 0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB`;
}
