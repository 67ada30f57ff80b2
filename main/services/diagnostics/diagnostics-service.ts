import os from 'node:os';
import writeFileAtomic from 'write-file-atomic';
import type { DiagnosticsCreated } from '../../../shared/diagnostics';
import { AppFailure } from '../../../shared/errors';
import { outputTarget } from '../os/output-target';
import { createDiagnostics, type DiagnosticsSources } from './create-diagnostics';

export interface DiagnosticsDeps extends Pick<DiagnosticsSources, 'appLogFile' | 'logsDir' | 'settingsFile'> {
  app: { name: string; version: string; mode: string };
  /** The system check as system.check answers it. */
  systemCheck(): Promise<unknown>;
  /** Every secret the host holds right now (gateway key, saved API keys, its own key), to be removed from logs. */
  secrets(): string[];
}

/** Help → Save diagnostics and diagnostics.create: the archive as base64 for the page, or written to a file. */
export class DiagnosticsService {
  constructor(private readonly deps: DiagnosticsDeps) {}

  async create(options: { file?: string } = {}): Promise<DiagnosticsCreated> {
    const made = await createDiagnostics({
      appLogFile: this.deps.appLogFile,
      logsDir: this.deps.logsDir,
      settingsFile: this.deps.settingsFile,
      systemCheck: await this.deps.systemCheck().catch((error: unknown) => ({ error: (error as Error).message })),
      versions: {
        app: `${this.deps.app.name} ${this.deps.app.version} (${this.deps.app.mode})`,
        node: process.versions.node,
        ...(process.versions.electron ? { electron: process.versions.electron, chrome: process.versions.chrome ?? '' } : {}),
        os: `${os.type()} ${os.release()} ${os.arch()}`,
      },
      secrets: this.deps.secrets(),
    });
    const answer: DiagnosticsCreated = { fileName: made.fileName, bytes: made.archive.length, contents: made.contents };
    if (!options.file) return { ...answer, data: made.archive.toString('base64') };
    const file = await outputTarget(options.file, made.fileName);
    try {
      await writeFileAtomic(file, made.archive, { mode: 0o600 });
    } catch (error) {
      throw new AppFailure({
        code: 'IO_ERROR',
        message: `Could not write the diagnostics to ${file}: ${(error as Error).message}`,
        hint: 'Choose a file in a folder that exists and you can write to.',
      });
    }
    return { ...answer, file };
  }
}
