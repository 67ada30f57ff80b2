import { describe, expect, it } from 'vitest';
import { contract } from '../../../shared/contract';
import { checkDownload, fileNameFromUrl, toDownloadRequest } from './download-checks';

const HF = 'https://huggingface.co/org/repo/resolve/main/tiny-q4_k_m.gguf?download=true';
const draft = (over: Partial<{ url: string; file: string; sha256: string }> = {}) => ({ url: HF, file: '', sha256: '', ...over });

describe('checkDownload', () => {
  it('accepts a Hugging Face resolve link with nothing else', () => {
    expect(checkDownload(draft())).toEqual({});
  });

  it('wants an http(s) URL', () => {
    expect(checkDownload(draft({ url: '' })).url).toMatch(/Enter/);
    expect(checkDownload(draft({ url: 'ftp://host/a.gguf' })).url).toMatch(/http/);
    expect(checkDownload(draft({ url: 'not a url' })).url).toMatch(/http/);
  });

  it('checks the file name like the schema does', () => {
    expect(checkDownload(draft({ file: 'model.gguf' }))).toEqual({});
    expect(checkDownload(draft({ file: 'model.bin' })).file).toMatch(/\.gguf/);
    expect(checkDownload(draft({ file: 'sub/model.gguf' })).file).toMatch(/folders/);
    expect(checkDownload(draft({ file: '..\\model.gguf' })).file).toMatch(/folders/);
    expect(checkDownload(draft({ file: '.hidden.gguf' })).file).toMatch(/dot/);
  });

  it('asks for a file name when the URL does not end in one', () => {
    const url = 'https://example.com/download?id=3';
    expect(checkDownload(draft({ url })).file).toMatch(/enter a file name/);
    expect(checkDownload(draft({ url, file: 'x.gguf' }))).toEqual({});
  });

  it('wants 64 hex characters for sha256', () => {
    expect(checkDownload(draft({ sha256: 'A'.repeat(64) }))).toEqual({});
    expect(checkDownload(draft({ sha256: 'a'.repeat(63) })).sha256).toMatch(/64/);
    expect(checkDownload(draft({ sha256: 'g'.repeat(64) })).sha256).toMatch(/64/);
  });
});

describe('fileNameFromUrl and toDownloadRequest', () => {
  it('takes the decoded last part of the path', () => {
    expect(fileNameFromUrl(HF)).toBe('tiny-q4_k_m.gguf');
    expect(fileNameFromUrl('https://x.org/a/my%20model.gguf')).toBe('my model.gguf');
    expect(fileNameFromUrl('https://x.org/')).toBeUndefined();
  });

  it('trims and leaves blank fields out', () => {
    expect(toDownloadRequest(draft({ url: ` ${HF} ` }))).toEqual({ url: HF });
    const request = toDownloadRequest(draft({ file: ' a.gguf ', sha256: 'b'.repeat(64) }));
    expect(request).toEqual({ url: HF, file: 'a.gguf', sha256: 'b'.repeat(64) });
  });
});

describe('the checks mirror the contract schema', () => {
  const schema = contract.requests['downloads.start'].input;
  const drafts = [
    draft({ file: 'a.gguf' }),
    draft({ file: 'A.GGUF', sha256: 'F'.repeat(64) }),
    draft({ url: 'http://127.0.0.1:8080/m.gguf', file: 'm.gguf' }),
    draft({ url: 'ftp://h/a.gguf', file: 'a.gguf' }),
    draft({ url: 'nope', file: 'a.gguf' }),
    draft({ file: 'a/b.gguf' }),
    draft({ file: '.a.gguf' }),
    draft({ file: 'a.bin' }),
    draft({ file: 'a.gguf', sha256: 'xyz' }),
  ];
  it.each(drafts)('agrees with the host on %o', (d) => {
    const ok = Object.keys(checkDownload(d)).length === 0;
    expect(schema.safeParse(toDownloadRequest(d)).success).toBe(ok);
  });
});
