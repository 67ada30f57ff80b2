import { z } from 'zod';
import type { EVENT_TOPICS, REQUEST_NAMES } from './contract-names';
import { event, request, type ContractClient } from './rpc/define';
import { SettingsPatchSchema, type SettingsState } from './settings';
import type { AppInfo, SystemInfo } from './system';

const NoInput = z.undefined().or(z.object({}).strict());

/**
 * The whole surface between the UI (or any client) and the host. Both transports (Electron IPC
 * and WebSocket) carry exactly this; every input is validated against its schema on arrival.
 */
export const contract = {
  requests: {
    'app.info': request<AppInfo>()(NoInput, 'Host identity: version, mode, base directory.'),
    'system.info': request<SystemInfo>()(
      z.object({ refresh: z.boolean().optional() }).strict().optional(),
      'OS, CPU, memory, disk and the tools found on PATH. Cached; `refresh` re-reads the tools.',
    ),
    'settings.get': request<SettingsState>()(NoInput, 'Effective settings, where each value came from, and problems.'),
    'settings.update': request<SettingsState>()(
      SettingsPatchSchema,
      'Saves the given settings atomically and returns the new effective settings.',
    ),
  },
  events: {
    'settings.changed': event<SettingsState>('Settings were saved (by any client).'),
  },
} as const;

export type Contract = typeof contract;
export type RequestName = keyof Contract['requests'] & string;
export type EventTopic = keyof Contract['events'] & string;
export type LlmClient = ContractClient<Contract>;

export { EVENT_TOPICS, REQUEST_NAMES } from './contract-names';

// Compile-time guard: the preload's name lists and the contract name exactly the same things.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatch: Same<(typeof REQUEST_NAMES)[number], RequestName> & Same<(typeof EVENT_TOPICS)[number], EventTopic> = true;
void namesMatch;
