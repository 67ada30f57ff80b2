import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PackageManager } from '../../../shared/system';
import { detectHostOs, hostOsFrom } from './host-os';
import { parseOsRelease } from './os-release';

const release = (name: string) => parseOsRelease(readFileSync(path.join(import.meta.dirname, 'fixtures', 'os-release', name), 'utf8'));
const having =
  (...managers: PackageManager[]) =>
  (m: PackageManager) =>
    managers.includes(m);

describe('hostOsFrom', () => {
  it.each([
    ['ubuntu-24.04', 'apt'],
    ['rocky-9', 'dnf'],
    ['manjaro', 'pacman'],
    ['opensuse-tumbleweed', 'zypper'],
    ['alpine-3.20', 'apk'],
  ] as const)('%s uses %s', (file, manager) => {
    expect(hostOsFrom({ platform: 'linux', arch: 'x64', release: release(file), found: having(manager) })).toMatchObject({
      packageManager: manager,
      packageManagerFound: true,
    });
  });

  it('names no package manager for a distribution of no known family', () => {
    expect(hostOsFrom({ platform: 'linux', arch: 'x64', release: release('nixos'), found: having() })).toEqual({
      platform: 'linux',
      arch: 'x64',
      distroId: 'nixos',
      distroName: 'NixOS 24.05 (Uakari)',
      family: 'other',
      packageManagerFound: false,
    });
  });

  it('uses Homebrew on macOS, saying whether it is there', () => {
    expect(hostOsFrom({ platform: 'darwin', arch: 'arm64', osName: 'macOS 14.5', found: having() })).toEqual({
      platform: 'darwin',
      arch: 'arm64',
      distroId: 'macos',
      distroName: 'macOS 14.5',
      packageManager: 'brew',
      packageManagerFound: false,
    });
  });

  it('prefers winget on Windows, and Chocolatey only when winget is missing and it is not', () => {
    expect(hostOsFrom({ platform: 'win32', arch: 'x64', found: having('winget', 'choco') }).packageManager).toBe('winget');
    expect(hostOsFrom({ platform: 'win32', arch: 'x64', found: having('choco') })).toMatchObject({
      packageManager: 'choco',
      packageManagerFound: true,
    });
    expect(hostOsFrom({ platform: 'win32', arch: 'x64', found: having() })).toMatchObject({
      packageManager: 'winget',
      packageManagerFound: false,
    });
  });
});

describe('detectHostOs on this machine', () => {
  it('reads this distribution and finds its package manager', async () => {
    const host = await detectHostOs();
    expect(host.platform).toBe(process.platform);
    if (process.platform === 'linux') {
      const own = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
      expect(host.distroId).toBe(own.id);
      expect(host.distroName).toBe(own.prettyName);
    }
  });
});
