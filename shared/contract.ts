import { z } from 'zod';
import type { EVENT_TOPICS, REQUEST_NAMES } from './contract-names';
import { event, request, type ContractClient } from './rpc/define';
import type {
  CatalogProblem,
  DownloadState,
  LogLine,
  LogSearchMatch,
  ModelFile,
  ProviderDetail,
  ProviderState,
  ProviderSummary,
} from './provider';
import { EndpointSchema, type DiscoveryResults } from './discovery';
import { GatewayPatchSchema, TryChatSchema, type GatewayStats, type GatewayStatus, type TryChatChunk, type TryChatResult } from './gateway';
import { INSTANCE_ID_PATTERN, PROVIDER_ID_PATTERN } from './ids';
import { UnloadSchema, type OnDemandStatus } from './on-demand';
import { KeyTargetSchema, SetKeySchema, type KeysStatus } from './upstream-keys';
import { ChatSearchSchema, type ChatSearchResult } from './chat-search';
import { ByChatIdSchema, ChatBranchSchema, ChatPutSchema, ChatRenameSchema, type Chat, type ChatList, type ChatSummary } from './chats';
import { ProviderId } from './recipe';
import type { RecipeCommands } from './recipe-commands';
import {
  ResourceRangeSchema,
  type Alert,
  type AlertsInEffect,
  type ResourceHistory,
  type ResourceSample,
  type ResourceWatch,
} from './resources';
import type { CleanupReport, InstallRun } from './install';
import { SettingsPatchSchema, type SettingsState } from './settings';
import type { AppInfo, SystemCheck, SystemInfo } from './system';
import {
  ArchiveSourceSchema,
  BackupCreateSchema,
  BackupRestoreSchema,
  HelixExportSchema,
  type BackupCreated,
  type HelixExport,
  type RestorePlan,
  type RestoreResult,
} from './backup';
import { DiagnosticsCreateSchema, type DiagnosticsCreated } from './diagnostics';
import { HubFilesSchema, HubPullSchema, HubSearchSchema, type HubFiles, type HubPull, type HubSearchResult, type HubStarter } from './hub';

const NoInput = z.undefined().or(z.object({}).strict());
const ById = z.object({ id: ProviderId }).strict();
const ByDownloadId = z.object({ id: z.string().min(1) }).strict();
const ByEndpoint = z.object({ endpoint: EndpointSchema }).strict();
/** A cached read; `refresh` reads again. */
const MayRefresh = z.object({ refresh: z.boolean().optional() }).strict().optional();
/** A provider's log (its id), its install log (`<id>-install`), or a model instance's (`engine~<model>`). */
const LogId = z
  .string()
  .refine(
    (id) => PROVIDER_ID_PATTERN.test(id) || INSTANCE_ID_PATTERN.test(id),
    'must be a provider id (2-40 lowercase letters, digits or dashes, starting with a letter) or a model instance’s (engine~<model>)',
  );
/** A plain .gguf file name: no folders, so nothing outside the models folder can be named. */
const ModelFileName = z
  .string()
  .regex(/^[^/\\]+\.gguf$/i, 'must be a file name ending in .gguf, without folders')
  .refine((name) => name !== '..' && !name.startsWith('.'), 'must not start with a dot');

/**
 * A model to delete: its file name in the models folder, or the absolute path (POSIX or Windows) of
 * one another app keeps. One schema rather than a union, whose error would only say "Invalid input".
 */
const ModelToDelete = z
  .string()
  .max(4096)
  .refine(
    (file) => /^(\/|[A-Za-z]:[\\/])/.test(file) || ModelFileName.safeParse(file).success,
    "must be a model's file name in the models folder (e.g. model.Q4_K_M.gguf, no folders), or the absolute path of a model another app keeps",
  );

/**
 * The whole surface between the UI (or any client) and the host. Both transports (Electron IPC
 * and WebSocket) carry exactly this; every input is validated against its schema on arrival.
 */
export const contract = {
  requests: {
    'app.info': request<AppInfo>()(NoInput, 'Host identity: version, mode, base directory.'),
    'system.info': request<SystemInfo>()(
      MayRefresh,
      'OS, CPU, memory, disk and the tools found on PATH. Cached; `refresh` re-reads the tools.',
    ),
    'system.check': request<SystemCheck>()(
      MayRefresh,
      'The install check: GPUs, tools with status, minimum and install hint for this OS, and a fits / fits-with-warnings / does-not-fit verdict per recipe. Cached; `refresh` re-probes tools and GPUs.',
    ),
    'settings.get': request<SettingsState>()(NoInput, 'Effective settings, where each value came from, and problems.'),
    'settings.update': request<SettingsState>()(
      SettingsPatchSchema,
      'Saves the given changes atomically, field by field (a map entry or optional field set to null is removed), and returns the new effective settings. With `baseRevision`, a field changed by someone else since that revision is not overwritten: CONFLICT.',
    ),
    'providers.list': request<{ providers: ProviderSummary[]; problems: CatalogProblem[] }>()(
      NoInput,
      'Every recipe with its live state and whether this machine can run it, plus problems in user recipes.',
    ),
    'providers.get': request<ProviderDetail>()(ById, 'One provider: recipe, paths, state and health history.'),
    'providers.start': request<ProviderState>()(ById, 'Starts a provider; resolves once it is healthy (or failed).'),
    'providers.commands': request<RecipeCommands>()(
      ById,
      'What a recipe makes this machine run (install steps, downloads, start and stop argv, env), the hash of it, and whether it is trusted: a custom recipe must be confirmed before its first install or start.',
    ),
    'providers.trust': request<RecipeCommands>()(
      z.object({ id: ProviderId, hash: z.string().regex(/^[a-f0-9]{64}$/, 'must be the hash providers.commands returned') }).strict(),
      'Confirms a custom recipe’s commands as shown by providers.commands; refused if the recipe changed since (the hash differs).',
    ),
    'providers.stop': request<ProviderState>()(ById, 'Stops a provider and every process it started.'),
    'providers.restart': request<ProviderState>()(ById, 'Stops, then starts a provider.'),
    'providers.startAll': request<ProviderState[]>()(NoInput, 'Starts every installed provider this machine can run.'),
    'providers.stopAll': request<ProviderState[]>()(NoInput, 'Stops every provider we started.'),
    'providers.define': request<RecipeCommands>()(
      z.object({ recipe: z.record(z.string(), z.unknown()) }).strict(),
      'Saves a custom recipe (the fields of a config/providers.d file) as config/providers.d/<id>.yaml, checked as that file would be, and returns its commands: like any custom recipe it runs nothing until confirmed with providers.trust and the hash returned.',
    ),
    'install.list': request<InstallRun[]>()(
      NoInput,
      'Install runs: queued, running, interrupted (resume or roll back), and finished this session.',
    ),
    'install.start': request<InstallRun[]>()(
      z.object({ ids: z.array(ProviderId).min(1).max(50) }).strict(),
      'Queues installs of the given providers (one at a time); progress comes as install.progress events.',
    ),
    'install.cancel': request<InstallRun>()(ById, 'Cancels an install: its step’s process tree dies and what it created is removed.'),
    'install.resume': request<InstallRun>()(ById, 'Continues an interrupted install from its first unfinished step.'),
    'install.rollback': request<InstallRun>()(ById, 'Removes what an interrupted install created.'),
    'install.update': request<InstallRun>()(ById, 'Fetches the pinned (or configured) version and rebuilds, keeping config.'),
    'install.uninstall': request<{ removed: string[] }>()(
      z.object({ id: ProviderId, keepConfig: z.boolean().default(true) }).strict(),
      'Removes data/<id> and its start script, and its config unless kept.',
    ),
    'install.cleanup': request<CleanupReport>()(
      NoInput,
      'Removes package caches, leftover downloads and unfinished installs; says how much space it freed.',
    ),
    'logs.tail': request<{ lines: LogLine[]; file: string }>()(
      z
        .object({
          id: LogId,
          limit: z.number().int().min(1).max(100_000).default(1000),
          /** Only lines with a smaller seq (paging back). */
          before: z.number().int().optional(),
        })
        .strict(),
      'The last lines of a provider log from memory.',
    ),
    'logs.search': request<{ matches: LogSearchMatch[]; truncated: boolean }>()(
      z
        .object({
          id: LogId,
          query: z.string().min(1).max(500),
          regex: z.boolean().default(false),
          caseSensitive: z.boolean().default(false),
          limit: z.number().int().min(1).max(10_000).default(500),
        })
        .strict(),
      'Lines matching a text or regular expression in the log files on disk (rotated ones too), oldest first; the newest `limit` are kept.',
    ),
    'logs.watch': request<{ id: string; watching: true }>()(
      z.object({ id: LogId }).strict(),
      'Sends this client the logs.lines events of one log (a provider’s, or its install log `<id>-install`) until logs.unwatch or the connection closes; `id` is the log’s canonical id, as events name it.',
    ),
    'logs.unwatch': request<{ id: string; watching: false }>()(
      z.object({ id: LogId }).strict(),
      'Stops this client’s logs.lines events of one log.',
    ),
    'models.list': request<{ dir: string; models: ModelFile[] }>()(
      NoInput,
      'GGUF files in the models folder, then those LM Studio, Ollama, llama.cpp and the Hugging Face cache keep (used in place, by absolute path), with their header facts, size, a memory estimate and who uses them.',
    ),
    'models.delete': request<{ dir: string; models: ModelFile[] }>()(
      // An absolute path names a model another app keeps: named so the refusal can say whose it is.
      z.object({ file: ModelToDelete }).strict(),
      "Deletes a model file (refused while a running provider uses it, and always for another app's model); returns the new list.",
    ),
    'downloads.list': request<DownloadState[]>()(
      NoInput,
      'Downloads in progress, paused (resumable after a crash) or finished this session.',
    ),
    'downloads.start': request<DownloadState>()(
      z
        .object({
          url: z.url({ protocol: /^https?$/ }),
          /** Defaults to the last part of the URL's path. */
          file: ModelFileName.optional(),
          sha256: z
            .string()
            .regex(/^[a-fA-F0-9]{64}$/, 'must be 64 hex characters')
            .optional(),
        })
        .strict(),
      'Starts downloading a model into the models folder; progress comes as downloads.progress events.',
    ),
    'hub.search': request<HubSearchResult[]>()(
      HubSearchSchema,
      'Searches GGUF repositories on the Hugging Face hub (HF_ENDPOINT), by downloads, likes or recency.',
    ),
    'hub.files': request<HubFiles>()(
      HubFilesSchema,
      "A repository's GGUF files (split sets as one) with sizes, quantisations and whether each fits this machine, plus its licence.",
    ),
    'hub.starters': request<HubStarter[]>()(
      NoInput,
      'Hand-picked small chat and embedding models with whether each fits this machine; one chat model is marked recommended. Pull one with hub.pull { repo, pick: file }.',
    ),
    'hub.pull': request<HubPull>()(
      HubPullSchema,
      'Downloads a quantisation or file of a repository (every part of a split set) into the models folder; answers the downloads.',
    ),
    'downloads.cancel': request<DownloadState>()(ByDownloadId, 'Stops a download, keeping what arrived so it can resume.'),
    'downloads.resume': request<DownloadState>()(ByDownloadId, 'Continues a paused download from the byte it reached.'),
    'gateway.status': request<GatewayStatus>()(
      NoInput,
      'The gateway: its URL and key, strategies, and the routing table (model → providers, with state).',
    ),
    'gateway.stats': request<GatewayStats>()(NoInput, 'Per-provider gateway stats now; updates come as gateway.stats events.'),
    'gateway.update': request<GatewayStatus>()(
      GatewayPatchSchema,
      'Changes the gateway (on/off, host, port, key, default and per-model strategy, priority order); saved in settings and applied at once.',
    ),
    'gateway.try': request<TryChatResult>()(
      TryChatSchema,
      'Streams one chat through the gateway, as any client would; the text arrives as gateway.tryChunk events and the answer resolves at the end.',
    ),
    'gateway.models': request<OnDemandStatus>()(
      NoInput,
      'Models the gateway loads on demand (models folder and other apps’ stores): each one unloaded, loading, loaded (provider, port, last used, unloads at) or failed (reason); updates come as gateway.models events.',
    ),
    'gateway.unload': request<OnDemandStatus>()(
      UnloadSchema,
      'Unloads a model the gateway loaded on demand (at once, or when its requests in flight end).',
    ),
    'gateway.tryCancel': request<{ cancelled: boolean }>()(
      z.object({ id: z.string().min(1).max(100) }).strict(),
      'Stops a running gateway.try.',
    ),
    'downloads.remove': request<DownloadState[]>()(
      ByDownloadId,
      'Stops a download if it runs, deletes the bytes received, and drops it from the list (a finished model stays).',
    ),
    'resources.watch': request<ResourceWatch>()(
      NoInput,
      'Starts (or renews) this client’s lease on live resources.sample events; call again before `leaseMs` runs out.',
    ),
    'resources.unwatch': request<{ watching: false }>()(NoInput, 'Ends this client’s lease on live resource samples.'),
    'resources.history': request<ResourceHistory>()(
      z.object({ range: ResourceRangeSchema }).strict(),
      'CPU, memory, disk, GPU and per-provider samples over the last 1m (full rate), 15m or 1h (downsampled), oldest first.',
    ),
    'alerts.active': request<AlertsInEffect>()(
      NoInput,
      'The alerts whose condition still holds (disk low, RAM or VRAM over its threshold, a provider unhealthy or failed, a log not saved), oldest first; muted kinds left out.',
    ),
    'discovery.results': request<DiscoveryResults>()(
      NoInput,
      'What the last scan found: every server answering on a known port or a user endpoint, what it is, and whether this app runs it.',
    ),
    'discovery.scan': request<DiscoveryResults>()(
      NoInput,
      'Scans now (default ports, ports of providers we run, user endpoints) and returns what it found.',
    ),
    'discovery.addEndpoint': request<DiscoveryResults>()(
      ByEndpoint,
      'Saves a host:port to probe (any machine) and scans; adding one already saved only scans.',
    ),
    'discovery.removeEndpoint': request<DiscoveryResults>()(ByEndpoint, 'Forgets a saved host:port and scans again.'),
    'keys.status': request<KeysStatus>()(
      NoInput,
      'Which providers and endpoints have an API key (last 4 characters only), and where keys are kept.',
    ),
    'keys.set': request<KeysStatus>()(
      SetKeySchema,
      'Saves the API key for a provider ({provider, key}: ours, or the one found as it on this machine) or a host:port ({endpoint, key}), then probes it again at once.',
    ),
    'keys.remove': request<KeysStatus>()(KeyTargetSchema, 'Forgets the API key of a provider or endpoint, then probes it again.'),
    'chats.list': request<ChatList>()(
      NoInput,
      'The Chat page’s conversations kept on the host (chats/), newest first, with files that could not be read.',
    ),
    'chats.get': request<Chat>()(ByChatIdSchema, 'One conversation: its options and every turn.'),
    'chats.search': request<ChatSearchResult>()(
      ChatSearchSchema,
      'The conversations with every word of `query` in their name or messages (any case), newest first, each with the message it was found by, cut around the words, and where they are in it.',
    ),
    'chats.put': request<ChatSummary>()(
      ChatPutSchema,
      'Saves a change to a conversation: its options, and its turns from `from` on replaced by `turns` (0 with every turn makes it); refused when `from` is past the turns it has.',
    ),
    'chats.rename': request<ChatSummary>()(
      ChatRenameSchema,
      'Names a conversation ({id, title}; an empty title names it by its first question again). Its turns and place in the list stay.',
    ),
    'chats.branch': request<ChatSummary>()(
      ChatBranchSchema,
      'A new conversation from the first `turns` turns of conversation `id` and its options, named as its branch (`branchedFrom` in it says of what); the original stays as it is. Answers the new one.',
    ),
    'chats.delete': request<ChatList>()(ByChatIdSchema, 'Deletes a conversation (deleting one already gone is no error).'),
    'diagnostics.create': request<DiagnosticsCreated>()(
      DiagnosticsCreateSchema,
      'One .tar.gz for a bug report: the app log, the last lines of each provider’s log, settings with secrets removed, the system check and versions (never API keys): answered as base64, or written to `file` on the host’s machine.',
    ),
    'backup.create': request<BackupCreated>()(
      BackupCreateSchema,
      'An archive (.tar.gz) of config/ (settings, custom and confirmed recipes, providers’ config files; never API keys) with a manifest of the installed providers and their versions: answered as base64, or written to `file` on the host’s machine. `include` adds logs/, data/ and models/ (streamed; an archive over 16 MiB must go to a `file`).',
    ),
    'backup.inspect': request<RestorePlan>()(
      ArchiveSourceSchema,
      'Checks a backup (base64 `data`, or a `file` on the host’s machine) through and through and says what a restore would add, replace and remove; changes nothing.',
    ),
    'backup.restore': request<RestoreResult>()(
      BackupRestoreSchema,
      'Checks a backup, then makes config/ what it holds, keeping what it replaces in config.before-restore-<time>/; refused while providers run or installs go on. `reinstall` then installs the listed providers not installed here.',
    ),
    'export.helixcode': request<HelixExport>()(
      HelixExportSchema,
      'HelixCode’s llm.providers block (type, endpoint, models, enabled) from the installed providers (enabled when healthy) and the gateway; merged into `file` (a config.yaml on the host’s machine, its other keys and comments kept) and written when `write`.',
    ),
  },
  events: {
    'chats.changed': event<ChatList>('A conversation was saved or deleted (by any client).'),
    'keys.changed': event<KeysStatus>('An API key was saved or removed, or a provider we run wrote its own.'),
    'discovery.changed': event<DiscoveryResults>('A scan found something different: a server appeared, went, changed models or health.'),
    'downloads.progress': event<DownloadState>('A download moved on (throttled), finished or failed.'),
    'settings.changed': event<SettingsState>('Settings were saved (by any client).'),
    'gateway.changed': event<GatewayStatus>('The gateway started, stopped, or its routing table changed.'),
    'gateway.stats': event<GatewayStats>('Per-provider gateway stats, at most once a second while requests flow.'),
    'gateway.tryChunk': event<TryChatChunk>('A piece of text streamed by a gateway.try request.'),
    'gateway.models': event<OnDemandStatus>('A model loaded on demand started loading, loaded, was used, unloaded or failed.'),
    'providers.state': event<ProviderState>('A provider changed state; `reason` says why.'),
    'install.progress': event<InstallRun>('An install run moved on (throttled), finished, failed or was cancelled.'),
    'resources.sample': event<ResourceSample>('A live resource sample; sent only while some client holds a resources.watch lease.'),
    'alerts.raised': event<Alert>('A provider went unhealthy or failed, RAM or VRAM passed its threshold, or disk ran low (unless muted).'),
    'alerts.changed': event<AlertsInEffect>(
      'An alert was raised or its condition cleared, or the muted kinds changed: the alerts in effect now.',
    ),
    'logs.lines': event<{ id: string; lines: LogLine[]; dropped: number }>(
      'New log lines, batched, sent only to clients watching that log (logs.watch); `dropped` counts lines skipped in this batch to keep the UI responsive.',
    ),
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
