import which from 'which';
import type { HostOs, LinuxFamily, PackageManager } from '../../../shared/system';
import { linuxFamily, readOsRelease, type OsRelease } from './os-release';

const LINUX_MANAGERS: Record<LinuxFamily, PackageManager | undefined> = {
  debian: 'apt',
  fedora: 'dnf',
  arch: 'pacman',
  suse: 'zypper',
  alpine: 'apk',
  other: undefined,
};

/** The executable that shows a package manager is installed. */
const MANAGER_COMMANDS: Record<PackageManager, string> = {
  apt: 'apt-get',
  dnf: 'dnf',
  pacman: 'pacman',
  zypper: 'zypper',
  apk: 'apk',
  brew: 'brew',
  winget: 'winget',
  choco: 'choco',
};

export interface HostOsFacts {
  platform: string;
  arch: string;
  /** Linux only: the parsed os-release, when it could be read. */
  release?: OsRelease;
  /** What the OS calls itself elsewhere, e.g. "macOS 14.5" (from systeminformation). */
  osName?: string;
  /** Which package managers are on PATH. */
  found: (manager: PackageManager) => boolean;
}

/** Which distribution and package manager install hints are written for. Pure. */
export function hostOsFrom(facts: HostOsFacts): HostOs {
  const base = { platform: facts.platform, arch: facts.arch };
  if (facts.platform === 'linux') {
    const release = facts.release ?? { id: 'linux', idLike: [], name: 'Linux', prettyName: facts.osName ?? 'Linux' };
    const family = linuxFamily(release);
    const manager = LINUX_MANAGERS[family];
    return {
      ...base,
      distroId: release.id,
      distroName: release.prettyName,
      family,
      ...(manager ? { packageManager: manager } : {}),
      packageManagerFound: manager ? facts.found(manager) : false,
    };
  }
  if (facts.platform === 'darwin') {
    return {
      ...base,
      distroId: 'macos',
      distroName: facts.osName ?? 'macOS',
      packageManager: 'brew',
      packageManagerFound: facts.found('brew'),
    };
  }
  if (facts.platform === 'win32') {
    // winget ships with Windows 10 1809+ and 11; Chocolatey only when the user installed it.
    const manager: PackageManager = !facts.found('winget') && facts.found('choco') ? 'choco' : 'winget';
    return {
      ...base,
      distroId: 'windows',
      distroName: facts.osName ?? 'Windows',
      packageManager: manager,
      packageManagerFound: facts.found(manager),
    };
  }
  return { ...base, distroId: facts.platform, distroName: facts.osName ?? facts.platform, packageManagerFound: false };
}

/**
 * Homebrew lives outside the PATH an app started from the Finder gets (/usr/bin:/bin:…), so its
 * usual homes are looked at too.
 */
const EXTRA_LOCATIONS: Partial<Record<PackageManager, readonly string[]>> = {
  brew: ['/opt/homebrew/bin/brew', '/usr/local/bin/brew'],
};

export async function detectHostOs(
  options: { env?: NodeJS.ProcessEnv; osName?: string; platform?: string; arch?: string } = {},
): Promise<HostOs> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const release = platform === 'linux' ? await readOsRelease() : undefined;
  const candidates: PackageManager[] =
    platform === 'linux'
      ? ['apt', 'dnf', 'pacman', 'zypper', 'apk']
      : platform === 'darwin'
        ? ['brew']
        : platform === 'win32'
          ? ['winget', 'choco']
          : [];
  const present = new Set<PackageManager>();
  await Promise.all(
    candidates.map(async (manager) => {
      const onPath = await which(MANAGER_COMMANDS[manager], { nothrow: true, path: env.PATH });
      const elsewhere = await Promise.all((EXTRA_LOCATIONS[manager] ?? []).map((file) => which(file, { nothrow: true })));
      if (onPath || elsewhere.some(Boolean)) present.add(manager);
    }),
  );
  return hostOsFrom({
    platform,
    arch: options.arch ?? process.arch,
    ...(release ? { release } : {}),
    ...(options.osName ? { osName: options.osName } : {}),
    found: (manager) => present.has(manager),
  });
}
