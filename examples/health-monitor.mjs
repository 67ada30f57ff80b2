// The spec's "Health Monitoring with Alerts": look at every provider now and then, and restart one
// that failed or went unhealthy. Run: node examples/health-monitor.mjs [intervalSec] [rounds]
import { LocalLLMManager } from 'local-llm-manager';

const intervalMs = Number(process.argv[2] ?? 30) * 1000;
const rounds = Number(process.argv[3] ?? Infinity);

const manager = new LocalLLMManager();
// The events say the same at once; polling is what the original did.
manager.on('state', (state) => state.status === 'failed' && console.log(`event: ${state.id} failed (${state.reason})`));
try {
  for (let round = 1; round <= rounds; round++) {
    const status = await manager.getProviderStatus();
    for (const [name, provider] of Object.entries(status)) {
      switch (provider.status) {
        case 'failed':
        case 'unhealthy':
          console.log(`🚨 Alert: Provider ${name} is ${provider.status}; restarting it`);
          try {
            const state = await manager.restartProvider(name);
            console.log(`✅ Provider ${name} is ${state.status} again`);
          } catch (error) {
            console.log(`restart of ${name} failed: ${error.message}`);
          }
          break;
        case 'starting':
          console.log(`⏳ Provider ${name} is starting...`);
          break;
        case 'running':
          console.log(`✅ Provider ${name} is healthy`);
          break;
      }
    }
    if (round < rounds) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
} finally {
  await manager.close();
}
