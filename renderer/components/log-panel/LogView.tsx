import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { lowerBoundBySeq } from './line-filter';
import { LogLineRow } from './LogLineRow';
import type { ViewSource } from './view-line';

/** Fixed row height: lines never wrap (they scroll sideways), so no row needs measuring. */
export const LOG_ROW_HEIGHT = 20;

interface LogViewProps {
  source: ViewSource;
  /** Keep the newest line in view as lines arrive. */
  follow: boolean;
  /** Scrolling away from the bottom pauses following; scrolling back to it resumes. */
  onFollowChange: (follow: boolean) => void;
  empty: ReactNode;
}

/**
 * A virtualized list of log lines: only the rows on screen exist in the DOM, so 100,000 lines
 * scroll like 100. While not following, the line at the top stays put when old lines fall off
 * the front of the buffer or a filter changes (the view is anchored by seq, not by index).
 */
export function LogView({ source, follow, onFollowChange, empty }: LogViewProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const sourceRef = useRef(source);
  const anchorRef = useRef<{ seq: number; offset: number } | undefined>(undefined);
  const virtualizer = useVirtualizer({
    count: source.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LOG_ROW_HEIGHT,
    getItemKey: (index) => source.at(index).seq,
    overscan: 20,
  });

  useLayoutEffect(() => {
    sourceRef.current = source;
    const el = scrollRef.current;
    if (!el) return;
    if (follow) {
      el.scrollTop = el.scrollHeight;
      return;
    }
    const anchor = anchorRef.current;
    if (!anchor) return;
    const top = lowerBoundBySeq(source, anchor.seq) * LOG_ROW_HEIGHT + anchor.offset;
    if (Math.abs(el.scrollTop - top) >= 1) el.scrollTop = top;
  }, [source, follow]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const current = sourceRef.current;
    const index = Math.floor(el.scrollTop / LOG_ROW_HEIGHT);
    anchorRef.current = index < current.length ? { seq: current.at(index).seq, offset: el.scrollTop - index * LOG_ROW_HEIGHT } : undefined;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= LOG_ROW_HEIGHT;
    if (atBottom !== follow) onFollowChange(atBottom);
  };

  return (
    <div className="log-viewport" ref={scrollRef} onScroll={onScroll} tabIndex={0} role="log" aria-live="off">
      {source.length === 0 ? (
        <div className="log-empty">{empty}</div>
      ) : (
        <div className="log-rows" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => (
            <LogLineRow
              key={item.key}
              line={source.at(item.index)}
              style={{ transform: `translateY(${item.start}px)`, height: LOG_ROW_HEIGHT }}
            />
          ))}
        </div>
      )}
    </div>
  );
}
