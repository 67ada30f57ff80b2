import type { Locator, Page } from 'playwright-core';

export class LogPanel {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('log-panel');
  }

  get lines(): Locator {
    return this.root.getByTestId('log-line');
  }

  async waitForLine(text: string, timeout = 20_000): Promise<void> {
    await this.lines.filter({ hasText: text }).first().waitFor({ timeout });
  }
}
