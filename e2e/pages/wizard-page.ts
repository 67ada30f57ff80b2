import type { Locator, Page } from 'playwright-core';

/** The first-run wizard on the Install page. */
export class WizardPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('wizard');
  }

  async atStep(name: 'System' | 'Found' | 'Choose' | 'Install' | 'Model' | 'Finish'): Promise<void> {
    await this.page.locator(`[data-testid="wizard"][data-step="${name}"]`).waitFor();
  }

  async next(): Promise<void> {
    await this.page.getByTestId('wizard-next').click();
  }

  choice(id: string): Locator {
    return this.page.getByTestId(`wizard-choice-${id}`);
  }

  run(id: string): Locator {
    return this.page.getByTestId(`install-run-${id}`);
  }

  async runStatus(id: string, status: string, timeout = 60_000): Promise<void> {
    await this.page.locator(`[data-testid="install-run-${id}"][data-status="${status}"]`).waitFor({ timeout });
  }

  step(id: string, stepId: string): Locator {
    return this.run(id).getByTestId(`install-step-${stepId}`);
  }
}
