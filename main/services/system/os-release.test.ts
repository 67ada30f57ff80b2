import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/temp-dir';
import { linuxFamily, parseOsRelease, readOsRelease } from './os-release';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', 'os-release', name), 'utf8');

describe('parseOsRelease and linuxFamily on the files distributions ship', () => {
  it.each([
    ['debian-12', 'debian', [], 'Debian GNU/Linux 12 (bookworm)', '12', 'debian'],
    ['ubuntu-24.04', 'ubuntu', ['debian'], 'Ubuntu 24.04.1 LTS', '24.04', 'debian'],
    ['linuxmint-22', 'linuxmint', ['ubuntu', 'debian'], 'Linux Mint 22', '22', 'debian'],
    ['fedora-40', 'fedora', [], 'Fedora Linux 40 (Workstation Edition)', '40', 'fedora'],
    ['rocky-9', 'rocky', ['rhel', 'centos', 'fedora'], 'Rocky Linux 9.4 (Blue Onyx)', '9.4', 'fedora'],
    ['arch', 'arch', [], 'Arch Linux', undefined, 'arch'],
    ['manjaro', 'manjaro', ['arch'], 'Manjaro Linux', undefined, 'arch'],
    ['opensuse-tumbleweed', 'opensuse-tumbleweed', ['opensuse', 'suse'], 'openSUSE Tumbleweed', '20240912', 'suse'],
    ['alpine-3.20', 'alpine', [], 'Alpine Linux v3.20', '3.20.3', 'alpine'],
    ['nixos', 'nixos', [], 'NixOS 24.05 (Uakari)', '24.05', 'other'],
  ])('%s', (file, id, idLike, prettyName, versionId, family) => {
    const release = parseOsRelease(fixture(file));
    expect(release).toMatchObject({ id, idLike, prettyName });
    expect(release.versionId).toBe(versionId);
    expect(linuxFamily(release)).toBe(family);
  });

  it('unquotes values, undoes escapes, and ignores comments', () => {
    expect(parseOsRelease(`# comment\nNAME='Single Quoted'\nPRETTY_NAME="Say \\"hi\\" \\$HOME"\nID=Custom\n`)).toEqual({
      id: 'custom',
      idLike: [],
      name: 'Single Quoted',
      prettyName: 'Say "hi" $HOME',
    });
  });

  it('falls back to the spec defaults when fields are missing', () => {
    expect(parseOsRelease('')).toEqual({ id: 'linux', idLike: [], name: 'Linux', prettyName: 'Linux' });
    expect(parseOsRelease('NAME=Foo\nVERSION="1 (Bar)"\n').prettyName).toBe('Foo 1 (Bar)');
  });
});

describe('readOsRelease', () => {
  it('reads the first file that exists', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'os-release');
    await writeFile(file, fixture('fedora-40'));
    expect((await readOsRelease([path.join(dir, 'missing'), file]))?.id).toBe('fedora');
    expect(await readOsRelease([path.join(dir, 'missing')])).toBeUndefined();
  });
});
