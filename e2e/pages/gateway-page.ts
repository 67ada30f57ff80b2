import type { Locator, Page } from 'playwright-core';

export class GatewayPage {
  constructor(readonly page: Page) {}

  get url(): Locator {
    return this.page.getByTestId('gateway-url');
  }

  route(model: string): Locator {
    return this.page.getByTestId(`route-row-${model}`);
  }

  target(model: string, providerId: string): Locator {
    return this.page.getByTestId(`route-target-${model}-${providerId}`);
  }

  statsRow(providerId: string): Locator {
    return this.page.getByTestId(`gateway-stats-row-${providerId}`);
  }

  snippetTab(language: 'curl' | 'python' | 'javascript'): Locator {
    return this.page.getByTestId(`snippet-tab-${language}`);
  }

  get snippet(): Locator {
    return this.page.getByTestId('snippet-code');
  }

  get tryInput(): Locator {
    return this.page.getByTestId('try-input');
  }

  get trySend(): Locator {
    return this.page.getByTestId('try-send');
  }

  get tryOutput(): Locator {
    return this.page.getByTestId('try-output');
  }

  get tryProvider(): Locator {
    return this.page.getByTestId('try-provider');
  }

  /** A model's row in the "Models on demand" card, once it shows `state`. */
  onDemandRow(model: string, state: 'unloaded' | 'loading' | 'loaded' | 'failed'): Locator {
    return this.page.locator(`[data-testid="on-demand-row-${model}"][data-state="${state}"]`);
  }
}
