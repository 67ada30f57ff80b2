import type { ViewSource } from './view-line';

/** The lines' text, one per line, as the provider printed them (no times: paste-ready for an issue). */
export function linesToText(source: ViewSource): string {
  const parts = new Array<string>(source.length);
  for (let i = 0; i < source.length; i++) parts[i] = source.at(i).text;
  return parts.join('\n');
}
