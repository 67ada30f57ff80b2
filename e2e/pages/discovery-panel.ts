import type { Locator, Page } from 'playwright-core';

/** The Servers found card on the Providers page: Scan now, endpoints, servers no tile shows. */
export class DiscoveryPanel {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('discovery-panel');
  }

  async scanNow(): Promise<void> {
    const button = this.root.getByTestId('discovery-scan');
    await button.click();
    // Disabled while the scan runs; enabled again once its answer is in.
    await this.root.locator('[data-testid="discovery-scan"]:not([disabled])').waitFor();
  }

  async addEndpoint(endpoint: string): Promise<void> {
    await this.root.getByTestId('discovery-endpoint-input').fill(endpoint);
    await this.root.getByTestId('discovery-endpoint-add').click();
  }

  get endpoints(): Locator {
    return this.root.getByTestId('discovery-endpoint');
  }

  get endpointError(): Locator {
    return this.root.getByTestId('discovery-endpoint-error');
  }

  /** A found server that no tile shows, by host:port. */
  server(key: string): Locator {
    return this.root.locator(`[data-testid="discovery-server"][data-key="${key}"]`);
  }
}
