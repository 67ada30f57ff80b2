/** The most of a model card's summary we show: a paragraph, not the card. */
export const SUMMARY_CHARS = 400;

/**
 * A short plain-text summary of a model card (README.md): the first paragraph of prose after the
 * YAML front matter, skipping headings, badges, images, tables, quotes, code and HTML; markdown
 * links and emphasis reduced to their text; capped at SUMMARY_CHARS on a word boundary.
 */
export function summaryOf(markdown: string): string | undefined {
  const body = markdown.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/, '');
  let inFence = false;
  const paragraph: string[] = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    if (line === '') {
      if (paragraph.length) break;
      continue;
    }
    if (isNotProse(line)) {
      if (paragraph.length) break;
      continue;
    }
    paragraph.push(line);
  }
  const text = plain(paragraph.join(' '));
  if (!text) return undefined;
  if (text.length <= SUMMARY_CHARS) return text;
  const cut = text.slice(0, SUMMARY_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUMMARY_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

function isNotProse(line: string): boolean {
  return (
    /^#{1,6}\s/.test(line) || // heading
    /^(\||>|<|!\[|\[!\[|[-*_]{3,}$)/.test(line) || // table, quote, HTML, image, badge, rule
    /^\[[^\]]*\]\([^)]*\)$/.test(line) || // a line that is only a link
    plain(line) === ''
  );
}

function plain(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_](\S(?:.*?\S)?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/^\s*(?:[-*+]|\d+\.)\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}
