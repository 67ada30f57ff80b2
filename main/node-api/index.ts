/**
 * The package's Node API: `import { LocalLLMManager } from 'local-llm-manager'`. Built to
 * out/main/node-api.js (electron-vite's main build, beside the CLI) with its types bundled into
 * out/main/node-api.d.ts. Imports no Electron.
 */
export { LocalLLMManager } from './local-llm-manager';
export type { LocalLLMManagerOptions, ManagerEvents, ProviderStatusEntry, RunningProvider } from './local-llm-manager';
export { OperationFailedError } from './errors';
export { LOG_LEVELS, type Logger, type LogLevel } from './logger';
export type { ConnectOptions, HostApi } from './connection';
export { AppFailure, type AppError, type ErrorCode } from '../../shared/errors';
export type { RecipeInput, ProviderRecipe } from '../../shared/recipe';
export type { ProviderState, ProviderStatus, ProviderSummary, LogLine, HealthSample } from '../../shared/provider';
export type { InstallRun, CleanupReport } from '../../shared/install';
export type { RecipeCommands } from '../../shared/recipe-commands';
export type { Contract, RequestName, EventTopic } from '../../shared/contract';
