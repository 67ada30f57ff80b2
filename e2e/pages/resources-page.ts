import type { Locator, Page } from 'playwright-core';
import type { ResourceRange } from '../../shared/resources';

/** The Resources page: live charts, the range picker and the providers table. */
export class ResourcesPage {
  constructor(readonly page: Page) {}

  chart(name: 'cpu' | 'memory' | `gpu-${number}-util` | `gpu-${number}-vram`): Locator {
    return this.page.getByTestId(`chart-${name}`);
  }

  /** How many samples a chart draws (its `data-points`). */
  async points(chart: Locator): Promise<number> {
    return Number(await chart.getAttribute('data-points'));
  }

  /** Waits until the chart draws more than `than` samples. */
  async waitPointsAbove(chart: Locator, than: number, timeout = 15_000): Promise<number> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const now = await this.points(chart);
      if (now > than) return now;
      if (Date.now() > deadline) throw new Error(`chart still draws ${now} points, expected more than ${than}`);
      await this.page.waitForTimeout(200);
    }
  }

  range(range: ResourceRange): Locator {
    return this.page.getByTestId(`range-${range}`);
  }

  providerRow(id: string): Locator {
    return this.page.getByTestId(`resources-provider-${id}`);
  }
}
