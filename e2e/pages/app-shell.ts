import type { Locator, Page } from 'playwright-core';

export const PAGES = ['dashboard', 'chat', 'providers', 'install', 'logs', 'resources', 'gateway', 'models', 'settings'] as const;
export type PageName = (typeof PAGES)[number];

/** The sidebar and connection indicator around every page. */
export class AppShell {
  constructor(readonly page: Page) {}

  nav(name: PageName): Locator {
    return this.page.getByTestId(`nav-${name}`);
  }

  get connection(): Locator {
    return this.page.getByTestId('connection-indicator');
  }

  async waitConnected(): Promise<void> {
    await this.page.locator('[data-testid="connection-indicator"][data-status="connected"]').waitFor();
  }

  async open(name: PageName): Promise<Locator> {
    await this.nav(name).click();
    const root = this.page.getByTestId(`page-${name}`);
    await root.waitFor();
    return root;
  }
}
