import type { Locator, Page } from 'playwright-core';
import type { ProviderStatus } from '../../shared/provider';

export class ProvidersPage {
  constructor(readonly page: Page) {}

  tile(id: string): Locator {
    return this.page.getByTestId(`provider-tile-${id}`);
  }

  async waitStatus(id: string, status: ProviderStatus, timeout = 30_000): Promise<void> {
    await this.page.locator(`[data-testid="provider-tile-${id}"][data-status="${status}"]`).waitFor({ timeout });
  }

  field(id: string, name: 'provider-port' | 'provider-pid' | 'provider-uptime' | 'provider-restarts' | 'provider-error'): Locator {
    return this.tile(id).getByTestId(name);
  }

  button(id: string, name: 'provider-start' | 'provider-stop' | 'provider-restart' | 'provider-logs'): Locator {
    return this.tile(id).getByTestId(name);
  }
}
