import { rename } from 'node:fs/promises';

/**
 * Moves a file we cannot use out of the way under a dated name, so that nothing the user wrote
 * is lost when we write a good one in its place. Returns the new name.
 */
export async function keepAside(file: string, now = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  await rename(file, target);
  return target;
}
