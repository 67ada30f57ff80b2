import { useEffect, useRef } from 'react';
import { useSettings } from '../../../api/hooks';

/**
 * On the very first start (the wizard never finished) the app opens on the Install page, unless
 * the address already asks for a page.
 */
export function useFirstRunRedirect(): void {
  const settings = useSettings();
  const decided = useRef(false);
  useEffect(() => {
    if (decided.current || !settings.data) return;
    decided.current = true;
    const emptyRoute = location.hash === '' || location.hash === '#' || location.hash === '#/';
    if (!settings.data.values.wizard.completed && emptyRoute) location.hash = '#/install';
  }, [settings.data]);
}
