import { useSettings } from '../../api/hooks';
import { hashFor } from '../../state/ui';

export function SettingsProblemsBadge() {
  const { data } = useSettings();
  const count = data?.problems.length ?? 0;
  if (count === 0) return null;
  return (
    <a className="badge badge-warning" href={hashFor('settings')} data-testid="settings-problems-badge">
      ⚠ Settings problems: {count} — see Settings
    </a>
  );
}
