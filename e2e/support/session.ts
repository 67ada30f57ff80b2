import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser } from './browser';
import type { RunningHost } from './host-process';

/**
 * One Chromium for a test file and at most one host per test, stopped after each test whatever
 * happened. Call at the top level of a test file.
 */
export function e2eSession() {
  let browser: Browser | undefined;
  let host: RunningHost | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error('the browser is not launched yet');
      return browser;
    },
    get host(): RunningHost {
      if (!host) throw new Error('no host is running in this test');
      return host;
    },
    set host(next: RunningHost | undefined) {
      host = next;
    },
  };
}
