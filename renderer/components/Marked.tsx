import { markedPieces } from '../../shared/chat-search';

/** Text with the given [start, end) ranges in <mark>: the words a search found. */
export function Marked({ text, marks }: { text: string; marks: ReadonlyArray<readonly [number, number]> }) {
  return <>{markedPieces(text, marks).map((piece, i) => (piece.marked ? <mark key={i}>{piece.text}</mark> : piece.text))}</>;
}
