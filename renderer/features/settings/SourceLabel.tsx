import { BASE_DIR_ENV_VAR, SETTING_ENV_VARS, type SettingKey, type SettingSource } from '../../../shared/settings';

function describe(field: SettingKey | 'baseDir', source: SettingSource): string {
  if (source === 'saved') return 'saved';
  if (source === 'default') return 'default';
  const envVar = field === 'baseDir' ? BASE_DIR_ENV_VAR : SETTING_ENV_VARS[field];
  return envVar ? `from ${envVar}` : 'from the environment';
}

/**
 * Where a value comes from, so "why is it 120?" has an answer on screen; while the field holds an
 * edit not saved yet, that instead ("default" beside a value the user just typed would be untrue).
 */
export function SourceLabel({ field, source, edited = false }: { field: SettingKey | 'baseDir'; source: SettingSource; edited?: boolean }) {
  return (
    <span className={`source source-${edited ? 'edited' : source}`} data-testid={`source-${field}`}>
      {edited ? 'edited, not saved' : describe(field, source)}
    </span>
  );
}
