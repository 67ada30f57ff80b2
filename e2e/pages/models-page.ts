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

  /** The "Get models" section: starters, hub search, a repository's files. */
  get hub(): Locator {
    return this.page.getByTestId('hub-browser');
  }

  starter(id: string): Locator {
    return this.page.getByTestId(`starter-${id}`);
  }

  async search(query: string, sort?: 'downloads' | 'likes' | 'lastModified'): Promise<void> {
    if (sort) await this.page.getByTestId('hub-search-sort').selectOption(sort);
    await this.page.getByTestId('hub-search-input').fill(query);
    await this.page.getByTestId('hub-search-submit').click();
  }

  result(repo: string): Locator {
    return this.page.getByTestId(`hub-result-${repo}`);
  }

  get repo(): Locator {
    return this.page.getByTestId('hub-repo');
  }

  choice(name: string): Locator {
    return this.repo.getByTestId(`hub-choice-${name}`);
  }

  download(file: string): Locator {
    return this.page.getByTestId(`download-row-${file}`);
  }
}
