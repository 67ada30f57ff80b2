// The spec's "Selective Provider Installation": install only the providers named, one after
// another, and say how each went. Run: node examples/selective-install.mjs vllm localai
import { LocalLLMManager, OperationFailedError } from 'local-llm-manager';

const selected = process.argv.slice(2);
if (selected.length === 0) {
  console.error('Name the providers to install, e.g. node examples/selective-install.mjs vllm localai');
  process.exit(2);
}

const manager = new LocalLLMManager();
manager.setLogger(console, process.env.DEBUG ? 'debug' : 'warn');
let failed = 0;
try {
  await manager.initialize();
  for (const id of selected) {
    try {
      const run = await manager.installProvider(id);
      console.log(run ? `installed ${id}${run.version ? ` ${run.version}` : ''}` : `${id} needs no install`);
    } catch (error) {
      failed++;
      // A refusal (unknown id, cannot run here) is an AppFailure; a failed build an OperationFailedError with its run.
      console.log(
        `failed to install ${id}: ${error.message}${error instanceof OperationFailedError ? ` (log: ${error.run?.logFile})` : ''}`,
      );
    }
  }
  const status = await manager.getProviderStatus();
  for (const id of selected) if (status[id]) console.log(`${id}: ${status[id].status}`);
} finally {
  await manager.close();
}
process.exit(failed ? 1 : 0);
