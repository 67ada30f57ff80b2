import { parse, printJson } from './cli-common';
import { ARGS } from './cli-options';
import { formatSettings, formatSystemInfo } from './cli-format';
import { openBaseDir } from './host';

/** `system`: this machine, read-only. */
export async function runSystem(args: string[]): Promise<number> {
  const { values } = parse('system', args, ARGS.system);
  const info = await (await openBaseDir({ readOnly: true })).system.info();
  if (values.json) printJson(info);
  else console.log(formatSystemInfo(info));
  return 0;
}

/** `settings`: the effective settings and their sources, read-only. */
export async function runSettings(args: string[]): Promise<number> {
  const { values } = parse('settings', args, ARGS.settings);
  const state = (await openBaseDir({ readOnly: true })).settings.state();
  if (values.json) printJson(state);
  else console.log(formatSettings(state));
  return 0;
}
