import type { Locator, Page } from 'playwright-core';

/** The API key dialog a locked tile's Add key opens. */
export class KeyDialog {
  readonly root: Locator;
  readonly input: Locator;
  readonly save: Locator;
  readonly remove: Locator;
  readonly error: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('key-dialog');
    this.input = this.root.getByTestId('key-input');
    this.save = this.root.getByTestId('key-save');
    this.remove = this.root.getByTestId('key-remove');
    this.error = this.root.getByTestId('key-error');
  }
}
