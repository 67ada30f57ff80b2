import type { Locator, Page } from 'playwright-core';
import type { SettingKey } from '../../shared/settings';

export class SettingsPage {
  constructor(readonly page: Page) {}

  input(key: SettingKey | 'baseDir'): Locator {
    return this.page.getByTestId(`setting-${key}`);
  }

  source(key: SettingKey): Locator {
    return this.page.getByTestId(`source-${key}`);
  }

  get status(): Locator {
    return this.page.getByTestId('settings-status');
  }

  async setNumber(key: SettingKey, value: number): Promise<void> {
    await this.input(key).fill(String(value));
  }

  async save(): Promise<void> {
    await this.page.getByTestId('settings-save').click();
    await this.status.filter({ hasText: 'Saved' }).waitFor();
  }
}
