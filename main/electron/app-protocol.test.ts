import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_CSP, resolveAppRequest } from './app-protocol';

const dir = '/opt/llm/resources/app.asar/out/renderer';

describe('resolveAppRequest', () => {
  it('maps our paths to files under the renderer folder with their MIME type', () => {
    expect(resolveAppRequest('app://local/index.html', dir)).toEqual({
      ok: true,
      file: `${dir}/index.html`,
      mimeType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('app://local/', dir)).toMatchObject({ ok: true, file: `${dir}/index.html` });
    expect(resolveAppRequest('app://local/assets/index-1.js?v=2#x', dir)).toEqual({
      ok: true,
      file: `${dir}/assets/index-1.js`,
      mimeType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest('app://local/assets/a%20b.CSS', dir)).toMatchObject({
      ok: true,
      file: `${dir}/assets/a b.CSS`,
      mimeType: 'text/css; charset=utf-8',
    });
  });

  it('never leaves the renderer folder, however the path is spelled', () => {
    for (const url of [
      'app://local/../../../etc/passwd.js',
      'app://local/%2e%2e/%2e%2e/secret.json',
      'app://local/assets/..%2f..%2f..%2fconfig.json',
      'app://local/%2F%2Fetc/x.js',
      'app://local/..%5c..%5cwin.ini.js',
      'app://local/index.html%00.js',
      'app://local/%E0%A4%A.js',
    ]) {
      const target = resolveAppRequest(url, dir);
      if (target.ok) expect(target.file.startsWith(`${dir}/`), url).toBe(true);
    }
    // The URL parser already folds %2e%2e segments; an encoded slash is decoded after it, so this one reaches the check.
    expect(resolveAppRequest('app://local/..%2f..%2fsecret.json', dir)).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppRequest('app://local/index.html%00.js', dir)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppRequest('app://local/%E0%A4%A.js', dir)).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses other hosts and schemes, and file types the UI does not ship', () => {
    expect(resolveAppRequest('app://evil/index.html', dir)).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppRequest('file:///etc/passwd', dir)).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppRequest('garbage', dir)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppRequest('app://local/assets/run.exe', dir)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppRequest('app://local/assets', dir)).toMatchObject({ ok: false, status: 404 });
  });

  it('confines Windows paths too', () => {
    const winDir = 'C:\\Program Files\\LLM\\resources\\app.asar\\out\\renderer';
    expect(resolveAppRequest('app://local/assets/x.js', winDir, path.win32)).toMatchObject({ ok: true, file: `${winDir}\\assets\\x.js` });
    expect(resolveAppRequest('app://local/..%2F..%2Fx.js', winDir, path.win32)).toMatchObject({ ok: false, status: 403 });
  });

  it('has a CSP that forbids plugins, <base> and form posts', () => {
    for (const directive of ["object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"])
      expect(APP_CSP).toContain(directive);
  });
});
