import { z } from 'zod';

/** diagnostics.create: answered as base64 for the page to download, or written to `file` on the host's machine. */
export const DiagnosticsCreateSchema = z
  .object({ file: z.string().min(1).max(4096).optional() })
  .strict()
  .optional();

export interface DiagnosticsCreated {
  /** A name to save it under: local-llm-diagnostics-<time>.tar.gz */
  fileName: string;
  bytes: number;
  /** The archive, base64, when no `file` was asked for. */
  data?: string;
  /** Where it was written, when `file` was given. */
  file?: string;
  /** The archive's files, e.g. app.log, providers/llamacpp.log, settings.json. */
  contents: string[];
}
