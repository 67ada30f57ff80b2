import type { Locator, Page } from 'playwright-core';

export class ModelsPage {
  constructor(readonly page: Page) {}

  row(file: string): Locator {
    return this.page.getByTestId(`model-row-${file}`);
  }

  field(
    file: string,
    name: 'model-arch' | 'model-params' | 'model-quant' | 'model-context' | 'model-size' | 'model-estimate' | 'model-used-by',
  ): Locator {
    return this.row(file).getByTestId(name);
  }
}
