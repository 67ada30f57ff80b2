import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL } from './app-protocol';
import { isOwnRendererUrl, type RendererLocation } from './trust';

const built: RendererLocation = { appUrl: new URL(APP_INDEX_URL) };
const dev: RendererLocation = { ...built, devUrl: new URL('http://localhost:5173') };

describe('isOwnRendererUrl', () => {
  it('accepts the built page on app://local, with or without a query or hash', () => {
    for (const url of ['app://local/index.html', 'app://local/index.html#/settings', 'app://local/index.html?x=1', 'app://local/']) {
      expect(isOwnRendererUrl(url, built), url).toBe(true);
    }
  });

  it('refuses other pages, other hosts, other schemes, file: pages and garbage', () => {
    for (const url of [
      undefined,
      '',
      'not a url',
      'app://local/index.html.evil',
      'app://local/other.html',
      'app://local/assets/index.js',
      'app://evil/index.html',
      'app://local:8080/index.html',
      'app://user@local/index.html',
      'file:///opt/Local%20LLM/resources/app.asar/out/renderer/index.html',
      'https://local/index.html',
      'http://localhost:5173/',
    ]) {
      expect(isOwnRendererUrl(url, built), String(url)).toBe(false);
    }
  });

  it('accepts the dev server origin only when one is given', () => {
    expect(isOwnRendererUrl('http://localhost:5173/src/index.html', dev)).toBe(true);
    expect(isOwnRendererUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isOwnRendererUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isOwnRendererUrl('http://localhost:5173/', built)).toBe(false);
  });
});
