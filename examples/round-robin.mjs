// The spec's "Provider Load Balancing": round-robin over the endpoints of the providers running now.
// Run: node examples/round-robin.mjs [requests]
import { LocalLLMManager } from 'local-llm-manager';

class LoadBalancer {
  #current = 0;
  constructor(manager) {
    this.manager = manager;
  }

  /** The next endpoint in turn, or undefined when nothing runs. */
  async getBestEndpoint() {
    const running = await this.manager.getRunningProviders();
    if (running.length === 0) return undefined;
    // One event loop: no mutex needed where the Go version had one.
    const provider = running[this.#current % running.length];
    this.#current++;
    return provider;
  }
}

const manager = new LocalLLMManager();
try {
  const balancer = new LoadBalancer(manager);
  const requests = Number(process.argv[2] ?? 4);
  for (let i = 0; i < requests; i++) {
    const provider = await balancer.getBestEndpoint();
    if (!provider) {
      console.log('no provider is running');
      process.exitCode = 1;
      break;
    }
    // Ask it for its models, as a client would before sending a chat.
    const models = await fetch(`${provider.endpoint}/v1/models`).then((r) => r.json());
    console.log(`request ${i + 1} -> ${provider.id} ${provider.endpoint} (${models.data.map((m) => m.id).join(', ')})`);
  }
} finally {
  await manager.close();
}
