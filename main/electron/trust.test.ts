import { describe, expect, it } from 'vitest';
import { isOwnRendererUrl, type RendererLocation } from './trust';

const built: RendererLocation = { fileUrl: new URL('file:///opt/Local%20LLM/resources/app.asar/out/renderer/index.html') };
const dev: RendererLocation = { ...built, devUrl: new URL('http://localhost:5173') };

describe('isOwnRendererUrl', () => {
  it('accepts the built page, with or without a query or hash', () => {
    for (const url of [
      'file:///opt/Local%20LLM/resources/app.asar/out/renderer/index.html',
      'file:///opt/Local LLM/resources/app.asar/out/renderer/index.html#/settings',
      'file:///opt/Local%20LLM/resources/app.asar/out/renderer/index.html?x=1',
    ]) {
      expect(isOwnRendererUrl(url, built, 'linux'), url).toBe(true);
    }
  });

  it('refuses other files, other hosts, other schemes and garbage', () => {
    for (const url of [
      undefined,
      '',
      'not a url',
      'file:///opt/Local%20LLM/resources/app.asar/out/renderer/index.html.evil',
      'file:///opt/Local%20LLM/resources/app.asar/out/renderer/other.html',
      'file://attacker/opt/Local%20LLM/resources/app.asar/out/renderer/index.html',
      'https://evil.example/opt/Local%20LLM/resources/app.asar/out/renderer/index.html',
      'http://localhost:5173/',
      'file:///opt/local%20llm/resources/app.asar/out/renderer/index.html',
    ]) {
      expect(isOwnRendererUrl(url, built, 'linux'), String(url)).toBe(false);
    }
  });

  it('ignores the case of Windows paths only on Windows', () => {
    const win: RendererLocation = { fileUrl: new URL('file:///C:/Program%20Files/LLM/resources/app.asar/out/renderer/index.html') };
    const url = 'file:///c:/program files/llm/resources/app.asar/out/renderer/index.html';
    expect(isOwnRendererUrl(url, win, 'win32')).toBe(true);
    expect(isOwnRendererUrl(url, win, 'linux')).toBe(false);
  });

  it('accepts the dev server origin only when one is given', () => {
    expect(isOwnRendererUrl('http://localhost:5173/src/index.html', dev)).toBe(true);
    expect(isOwnRendererUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isOwnRendererUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isOwnRendererUrl('http://localhost:5173/', built)).toBe(false);
  });
});
