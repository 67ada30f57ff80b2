import { useLayoutEffect, useRef } from 'react';
import { useAlertsInEffect } from '../../api/alert-hooks';
import { hashFor } from '../../state/ui';
import './alerts.css';

/**
 * The alerts in effect as in-app toasts, there until their condition clears or they are
 * dismissed: a disk that ran low before the page was opened shows too. The desktop app also
 * notifies once per alert; the toast is what stays.
 */
export function AlertToasts() {
  const { alerts, dismiss } = useAlertsInEffect();
  const stack = useRef<HTMLDivElement>(null);
  const showing = alerts.length > 0;
  useLayoutEffect(() => keepClearOf(stack.current), [showing]);
  if (!showing) return null;
  return (
    <div className="toasts" ref={stack} role="region" aria-label="Alerts" aria-live="assertive">
      {alerts.map((alert) => (
        <div key={alert.id} className={`toast toast-${alert.kind}`} role="alert" data-testid="alert-toast" data-kind={alert.kind}>
          <div className="toast-text">
            <strong className="toast-title">{alert.title}</strong>
            <p className="toast-message">{alert.message}</p>
            {alert.providerId && (
              <a className="toast-link" href={hashFor('logs', alert.providerId)}>
                Open its log
              </a>
            )}
          </div>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(alert.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/**
 * Toasts stay until dismissed, so they must never hide what is under them for good: the page
 * pane gets room below its end as tall as the stack (--toasts-clearance), and scrolled down, every
 * button clears them.
 */
function keepClearOf(stack: HTMLElement | null): (() => void) | undefined {
  const root = document.documentElement;
  if (!stack) {
    root.style.removeProperty('--toasts-clearance');
    return undefined;
  }
  const fit = () => root.style.setProperty('--toasts-clearance', `${stack.offsetHeight + TOAST_MARGIN_PX * 2}px`);
  fit();
  const resize = new ResizeObserver(fit);
  resize.observe(stack);
  return () => {
    resize.disconnect();
    root.style.removeProperty('--toasts-clearance');
  };
}

/** The stack's distance from the window's edge (alerts.css). */
const TOAST_MARGIN_PX = 20;
