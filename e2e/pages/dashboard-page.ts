import type { Locator, Page } from 'playwright-core';

export class DashboardPage {
  constructor(readonly page: Page) {}

  get systemCard(): Locator {
    return this.page.getByTestId('system-card');
  }

  field(testId: 'os-name' | 'cpu-model' | 'cpu-cores' | 'ram-total' | 'ram-free' | 'disk-free'): Locator {
    return this.systemCard.getByTestId(testId);
  }

  tool(id: string): Locator {
    return this.systemCard.getByTestId(`tool-row-${id}`);
  }
}
