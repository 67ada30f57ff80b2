import { LOG_LEVELS, SETTING_ENV_VARS } from '../shared/settings';
import { UsageError } from './cli-args';

/**
 * `--log-level` stands in for HELIX_LOCAL_LLM_LOG_LEVEL for this process: the settings model takes
 * it as the default (a saved level still wins, as for the seed's other variables).
 */
export function applyLogLevelFlag(value: string | undefined, env: NodeJS.ProcessEnv): void {
  if (value === undefined) return;
  const level = value.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${value}".`, 'serve');
  env[SETTING_ENV_VARS.logLevel!] = level;
}
