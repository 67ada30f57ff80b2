import { BASE_DIR_ENV_VAR, SETTING_ENV_VARS, type SettingKey, type SettingSource } from '../../../shared/settings';

function describe(field: SettingKey | 'baseDir', source: SettingSource): string {
  if (source === 'saved') return 'saved';
  if (source === 'default') return 'default';
  const envVar = field === 'baseDir' ? BASE_DIR_ENV_VAR : SETTING_ENV_VARS[field];
  return envVar ? `from ${envVar}` : 'from the environment';
}

/** Where a value comes from, so "why is it 120?" has an answer on screen. */
export function SourceLabel({ field, source }: { field: SettingKey | 'baseDir'; source: SettingSource }) {
  return (
    <span className={`source source-${source}`} data-testid={`source-${field}`}>
      {describe(field, source)}
    </span>
  );
}
