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

  /** The row under a tool's row with the command that installs it (shown when something needs the tool). */
  toolHint(id: string): Locator {
    return this.systemCard.getByTestId(`tool-hint-${id}`);
  }

  get gpuRows(): Locator {
    return this.systemCard.getByTestId('gpu-row');
  }

  get recheckTools(): Locator {
    return this.systemCard.getByTestId('recheck-tools');
  }
}
