import { describe, expect, it } from 'vitest';
import type { HostOs, PackageManager } from '../../../shared/system';
import { TOOL_IDS } from '../../../shared/system';
import { MAC_HOST } from '../../../test/machine-fixture';
import { installHint } from './install-hints';

const linux = (distroId: string, family: HostOs['family'], packageManager?: PackageManager): HostOs => ({
  platform: 'linux',
  arch: 'x64',
  distroId,
  distroName: distroId,
  family,
  ...(packageManager ? { packageManager } : {}),
  packageManagerFound: packageManager !== undefined,
});
const DEBIAN = linux('debian', 'debian', 'apt');
const UBUNTU = linux('ubuntu', 'debian', 'apt');
const FEDORA = linux('fedora', 'fedora', 'dnf');
const ARCH = linux('arch', 'arch', 'pacman');
const SUSE = linux('opensuse-tumbleweed', 'suse', 'zypper');
const ALPINE = linux('alpine', 'alpine', 'apk');
const NIXOS = linux('nixos', 'other');
const MAC = MAC_HOST;
const WINGET: HostOs = {
  platform: 'win32',
  arch: 'x64',
  distroId: 'windows',
  distroName: 'Windows 11',
  packageManager: 'winget',
  packageManagerFound: true,
};
const CHOCO: HostOs = { ...WINGET, packageManager: 'choco' };

const command = (tool: string, host: HostOs) => installHint(tool, host)?.command;

describe('installHint', () => {
  it('names each package manager with its own package names', () => {
    expect(command('git', DEBIAN)).toBe('sudo apt-get update && sudo apt-get install -y git');
    expect(command('cmake', FEDORA)).toBe('sudo dnf install -y cmake');
    expect(command('python3', ARCH)).toBe('sudo pacman -S --needed python python-pip');
    expect(command('gcc', SUSE)).toBe('sudo zypper install -y gcc gcc-c++');
    expect(command('gcc', ALPINE)).toBe('sudo apk add build-base');
    expect(command('go', MAC)).toBe('brew install go');
    expect(command('cmake', WINGET)).toBe('winget install --id Kitware.CMake -e');
    expect(command('cmake', CHOCO)).toBe('choco install -y cmake');
  });

  it('installs venv where Debian and Ubuntu split it from python3, and python3 itself elsewhere', () => {
    expect(command('venv', UBUNTU)).toBe('sudo apt-get update && sudo apt-get install -y python3-venv');
    expect(command('venv', FEDORA)).toBe('sudo dnf install -y python3');
  });

  it('turns "a C compiler" into each OS\'s usual one', () => {
    expect(command('c-compiler', DEBIAN)).toBe('sudo apt-get update && sudo apt-get install -y build-essential');
    expect(installHint('c-compiler', MAC)).toMatchObject({ via: 'script', command: 'xcode-select --install' });
    expect(command('make', MAC)).toBe('xcode-select --install');
    expect(installHint('c-compiler', WINGET)).toMatchObject({
      via: 'winget',
      command: 'winget install --id Microsoft.VisualStudio.2022.BuildTools -e',
      note: expect.stringContaining('Desktop development with C++'),
    });
  });

  it("prefers rustup and uv's own installers to distribution packages, and upgrades them their way", () => {
    expect(installHint('cargo', DEBIAN)).toEqual({
      via: 'script',
      command: "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh",
      url: 'https://rustup.rs/',
    });
    expect(installHint('cargo', DEBIAN, 'too-old')).toMatchObject({
      command: 'rustup update stable',
      note: expect.stringContaining('install rustup instead'),
    });
    expect(command('cargo', WINGET)).toBe('winget install --id Rustlang.Rustup -e');
    expect(command('uv', UBUNTU)).toBe('curl -LsSf https://astral.sh/uv/install.sh | sh');
    expect(command('uv', MAC)).toBe('brew install uv');
    expect(command('uv', CHOCO)).toBe('powershell -ExecutionPolicy ByPass -c "irm https://astral.sh/uv/install.ps1 | iex"');
  });

  it('says how to get a newer Python or CMake than the distribution has', () => {
    expect(installHint('python3', UBUNTU, 'too-old')).toMatchObject({
      command: 'sudo apt-get update && sudo apt-get install -y python3 python3-venv python3-pip',
      note: expect.stringContaining('uv python install'),
    });
    expect(installHint('cmake', DEBIAN, 'too-old')?.note).toContain('uv tool install cmake');
  });

  it('knows drivers: Ubuntu finds its own, Debian and Fedora need extra repositories', () => {
    expect(command('nvidia-smi', UBUNTU)).toBe('sudo ubuntu-drivers install');
    expect(installHint('nvidia-smi', DEBIAN)?.note).toContain('non-free');
    expect(installHint('nvidia-smi', FEDORA)).toMatchObject({
      command: 'sudo dnf install -y akmod-nvidia',
      note: expect.stringContaining('RPM Fusion'),
    });
    expect(installHint('nvidia-smi', WINGET)).toEqual({
      via: 'download',
      url: 'https://www.nvidia.com/en-us/drivers/',
      note: 'Restart the computer after installing the driver.',
    });
    expect(command('rocm-smi', ARCH)).toBe('sudo pacman -S --needed rocm-smi-lib');
  });

  it('offers nothing for what does not exist on the OS', () => {
    expect(installHint('nvcc', MAC)).toBeUndefined();
    expect(installHint('nvidia-smi', MAC)).toBeUndefined();
    expect(installHint('rocm-smi', WINGET)).toBeUndefined();
    expect(installHint('msvc', DEBIAN)).toBeUndefined();
    expect(installHint('no-such-tool', DEBIAN)).toBeUndefined();
  });

  it('points to the download page where no package manager is known', () => {
    expect(installHint('git', NIXOS)).toEqual({ via: 'download', url: 'https://git-scm.com/downloads' });
  });

  it('says when the package manager itself is missing', () => {
    expect(installHint('cmake', { ...MAC, packageManagerFound: false })?.note).toContain('https://brew.sh');
    expect(installHint('cmake', { ...WINGET, packageManagerFound: false })?.note).toContain('App Installer');
    expect(installHint('cmake', CHOCO)?.note).toContain('administrator');
  });

  it('has a hint for every tool on every common OS where the tool exists', () => {
    const exists: Record<string, readonly string[]> = {
      msvc: ['win32'],
      nvcc: ['linux', 'win32'],
      'nvidia-smi': ['linux', 'win32'],
      'rocm-smi': ['linux'],
    };
    for (const tool of TOOL_IDS) {
      for (const host of [DEBIAN, UBUNTU, FEDORA, ARCH, SUSE, ALPINE, NIXOS, MAC, WINGET, CHOCO]) {
        const hint = installHint(tool, host);
        const expected = !exists[tool] || exists[tool].includes(host.platform);
        expect({ tool, host: host.distroId, hint: hint !== undefined && (hint.command !== undefined || hint.url !== undefined) }).toEqual({
          tool,
          host: host.distroId,
          hint: expected,
        });
      }
    }
  });
});
