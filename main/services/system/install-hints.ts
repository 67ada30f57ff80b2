import type { HostOs, InstallHint, PackageManager, ToolStatus } from '../../../shared/system';

/** Package names (or winget ids) per package manager; a manager left out has no package for it. */
type Packages = Partial<Record<PackageManager, string>>;

interface ToolRecipe {
  packages: Packages;
  /** Where to get it by hand: used on systems whose package manager has no package for it. */
  url: string;
  /** Said with every hint, e.g. that a driver needs a reboot. */
  note?: string;
  /** A per-manager note (a package from an extra repository). */
  notes?: Partial<Record<PackageManager, string>>;
  /** The project's own installer, preferred to distribution packages (rustup, uv). */
  script?: { unix: string; windows?: string };
  /** What to run when the tool is there but too old, when it differs from installing it. */
  upgrade?: string;
  /** Said when it is too old and the package manager's version may be too old as well. */
  tooOldNote?: string;
  /** Does not exist on these platforms (CUDA on macOS): no hint is offered. */
  unavailableOn?: readonly string[];
}

const PYTHON: Packages = { brew: 'python@3.12', winget: 'Python.Python.3.12', choco: 'python312' };
const XCODE_CLT = 'xcode-select --install';
const PYTHON_TOO_OLD = 'If your distribution has no newer Python, uv can install one beside it: uv python install 3.12';

const TOOLS: Record<string, ToolRecipe> = {
  git: {
    packages: { apt: 'git', dnf: 'git', pacman: 'git', zypper: 'git', apk: 'git', brew: 'git', winget: 'Git.Git', choco: 'git' },
    url: 'https://git-scm.com/downloads',
  },
  python3: {
    packages: {
      apt: 'python3 python3-venv python3-pip',
      dnf: 'python3 python3-pip',
      pacman: 'python python-pip',
      zypper: 'python3 python3-pip',
      apk: 'python3 py3-pip',
      ...PYTHON,
    },
    url: 'https://www.python.org/downloads/',
    tooOldNote: PYTHON_TOO_OLD,
  },
  pip: {
    packages: { apt: 'python3-pip', dnf: 'python3-pip', pacman: 'python-pip', zypper: 'python3-pip', apk: 'py3-pip', ...PYTHON },
    url: 'https://pip.pypa.io/en/stable/installation/',
  },
  // Debian and Ubuntu split venv and ensurepip out of python3; elsewhere they come with it.
  venv: {
    packages: { apt: 'python3-venv', dnf: 'python3', pacman: 'python', zypper: 'python3', apk: 'python3', ...PYTHON },
    url: 'https://docs.python.org/3/library/venv.html',
  },
  uv: {
    packages: { pacman: 'uv', brew: 'uv', winget: 'astral-sh.uv' },
    url: 'https://docs.astral.sh/uv/getting-started/installation/',
    script: {
      unix: 'curl -LsSf https://astral.sh/uv/install.sh | sh',
      windows: 'powershell -ExecutionPolicy ByPass -c "irm https://astral.sh/uv/install.ps1 | iex"',
    },
    upgrade: 'uv self update',
  },
  cmake: {
    packages: {
      apt: 'cmake',
      dnf: 'cmake',
      pacman: 'cmake',
      zypper: 'cmake',
      apk: 'cmake',
      brew: 'cmake',
      winget: 'Kitware.CMake',
      choco: 'cmake',
    },
    url: 'https://cmake.org/download/',
    tooOldNote: 'If your distribution has no newer CMake, Kitware publishes one on PyPI: uv tool install cmake (or pipx install cmake)',
  },
  make: {
    packages: { apt: 'make', dnf: 'make', pacman: 'make', zypper: 'make', apk: 'make', winget: 'ezwinports.make', choco: 'make' },
    url: 'https://www.gnu.org/software/make/',
  },
  gcc: {
    packages: { apt: 'build-essential', dnf: 'gcc gcc-c++', pacman: 'base-devel', zypper: 'gcc gcc-c++', apk: 'build-base' },
    url: 'https://gcc.gnu.org/install/binaries.html',
  },
  clang: {
    packages: { apt: 'clang', dnf: 'clang', pacman: 'clang', zypper: 'clang', apk: 'clang', winget: 'LLVM.LLVM', choco: 'llvm' },
    url: 'https://releases.llvm.org/',
  },
  msvc: {
    packages: { winget: 'Microsoft.VisualStudio.2022.BuildTools', choco: 'visualstudio2022buildtools visualstudio2022-workload-vctools' },
    url: 'https://visualstudio.microsoft.com/visual-cpp-build-tools/',
    notes: { winget: 'In the installer that opens, choose "Desktop development with C++".' },
    unavailableOn: ['linux', 'darwin'],
  },
  go: {
    packages: { apt: 'golang-go', dnf: 'golang', pacman: 'go', zypper: 'go', apk: 'go', brew: 'go', winget: 'GoLang.Go', choco: 'golang' },
    url: 'https://go.dev/dl/',
    tooOldNote: 'If your distribution has no newer Go, take the release from https://go.dev/dl/',
  },
  // Distribution cargo packages trail Rust releases by years; rustup is what Rust projects expect.
  cargo: {
    packages: { winget: 'Rustlang.Rustup', choco: 'rustup.install' },
    url: 'https://rustup.rs/',
    script: { unix: "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh" },
    upgrade: 'rustup update stable',
    tooOldNote: 'If Rust came from your package manager, remove that one and install rustup instead.',
  },
  node: {
    packages: {
      apt: 'nodejs npm',
      dnf: 'nodejs npm',
      pacman: 'nodejs npm',
      zypper: 'nodejs npm',
      apk: 'nodejs npm',
      brew: 'node',
      winget: 'OpenJS.NodeJS.LTS',
      choco: 'nodejs-lts',
    },
    url: 'https://nodejs.org/en/download',
    tooOldNote: 'If your distribution has no newer Node.js, take the LTS release from https://nodejs.org/en/download',
  },
  npm: {
    packages: {
      apt: 'npm',
      dnf: 'npm',
      pacman: 'npm',
      zypper: 'npm',
      apk: 'npm',
      brew: 'node',
      winget: 'OpenJS.NodeJS.LTS',
      choco: 'nodejs-lts',
    },
    url: 'https://nodejs.org/en/download',
  },
  docker: {
    packages: {
      apt: 'docker.io',
      dnf: 'moby-engine',
      pacman: 'docker',
      zypper: 'docker',
      apk: 'docker',
      brew: '--cask docker',
      winget: 'Docker.DockerDesktop',
      choco: 'docker-desktop',
    },
    url: 'https://docs.docker.com/get-docker/',
  },
  nvcc: {
    packages: { apt: 'nvidia-cuda-toolkit', pacman: 'cuda', winget: 'Nvidia.CUDA', choco: 'cuda' },
    url: 'https://developer.nvidia.com/cuda-downloads',
    note: 'The CUDA toolkit must not be newer than the CUDA version your driver supports (nvidia-smi shows it).',
    tooOldNote: 'Distribution CUDA packages are often old: NVIDIA publishes current ones at https://developer.nvidia.com/cuda-downloads',
    unavailableOn: ['darwin'],
  },
  // nvidia-smi ships with the driver.
  'nvidia-smi': {
    packages: { apt: 'nvidia-driver', dnf: 'akmod-nvidia', pacman: 'nvidia-open nvidia-utils' },
    url: 'https://www.nvidia.com/en-us/drivers/',
    note: 'Restart the computer after installing the driver.',
    notes: {
      apt: 'Debian ships it in the non-free component (add "contrib non-free non-free-firmware" to your sources).',
      dnf: 'akmod-nvidia comes from RPM Fusion (rpmfusion-nonfree), which must be enabled first.',
    },
    unavailableOn: ['darwin'],
  },
  'rocm-smi': {
    packages: { apt: 'rocm-smi', dnf: 'rocm-smi', pacman: 'rocm-smi-lib' },
    url: 'https://rocm.docs.amd.com/projects/install-on-linux/en/latest/',
    note: "For the whole ROCm stack, follow AMD's install guide.",
    unavailableOn: ['darwin', 'win32'],
  },
};

/** Per-distribution exceptions to the family's package (Ubuntu finds the right driver itself). */
const DISTRO_COMMANDS: Record<string, Record<string, string>> = {
  'nvidia-smi': {
    ubuntu: 'sudo ubuntu-drivers install',
    pop: 'sudo apt-get install -y system76-driver-nvidia',
    linuxmint: 'sudo ubuntu-drivers install',
  },
};

/** On macOS the compilers and make come with Apple's Command Line Tools, not Homebrew. */
const MACOS_CLT = new Set(['gcc', 'clang', 'make', 'c-compiler']);

/**
 * How to get `toolId` on `host`: a command for its package manager, the project's own installer
 * where distribution packages are unsuitable, or a download page. Pure, so each OS can be tested.
 * Undefined for a tool that does not exist on that OS (CUDA on macOS).
 */
export function installHint(toolId: string, host: HostOs, status: Exclude<ToolStatus, 'ok'> = 'missing'): InstallHint | undefined {
  if (toolId === 'c-compiler')
    return installHint(host.platform === 'win32' ? 'msvc' : host.platform === 'darwin' ? 'clang' : 'gcc', host, status);
  const tool = TOOLS[toolId];
  if (!tool || tool.unavailableOn?.includes(host.platform)) return undefined;
  const tooOld = status === 'too-old';
  const notes = (manager?: PackageManager) => join(tool.note, manager && tool.notes?.[manager], tooOld ? tool.tooOldNote : undefined);

  if (host.platform === 'darwin' && MACOS_CLT.has(toolId)) {
    return {
      via: 'script',
      command: XCODE_CLT,
      url: 'https://developer.apple.com/xcode/resources/',
      note: "Installs Apple's Command Line Tools (clang, make, git).",
    };
  }
  if (tooOld && tool.upgrade)
    return withNote({ via: tool.script ? 'script' : (host.packageManager ?? 'script'), command: tool.upgrade, url: tool.url }, notes());

  const special = DISTRO_COMMANDS[toolId]?.[host.distroId];
  if (special && host.packageManager) return withNote({ via: host.packageManager, command: special, url: tool.url }, notes());

  const manager = host.packageManager;
  const packages = manager ? tool.packages[manager] : undefined;
  // The projects' own installers beat distribution packages for rustup and uv, on every Unix.
  if (tool.script && (host.platform !== 'win32' || !packages)) {
    const script = host.platform === 'win32' ? tool.script.windows : tool.script.unix;
    if (script && !(packages && manager === 'brew')) return withNote({ via: 'script', command: script, url: tool.url }, notes());
  }
  if (manager && packages) {
    return withNote({ via: manager, command: packageCommand(manager, packages), url: tool.url }, join(notes(manager), managerNote(host)));
  }
  return withNote({ via: 'download', url: tool.url }, notes());
}

function packageCommand(manager: PackageManager, packages: string): string {
  switch (manager) {
    case 'apt':
      return `sudo apt-get update && sudo apt-get install -y ${packages}`;
    case 'dnf':
      return `sudo dnf install -y ${packages}`;
    case 'pacman':
      return `sudo pacman -S --needed ${packages}`;
    case 'zypper':
      return `sudo zypper install -y ${packages}`;
    case 'apk':
      return `sudo apk add ${packages}`;
    case 'brew':
      return `brew install ${packages}`;
    case 'winget':
      return packages
        .split(' ')
        .map((id) => `winget install --id ${id} -e`)
        .join('; ');
    case 'choco':
      return `choco install -y ${packages}`;
  }
}

function managerNote(host: HostOs): string | undefined {
  if (host.packageManager === 'choco') return 'Run it in an administrator PowerShell.';
  if (host.packageManagerFound) return undefined;
  if (host.packageManager === 'brew') return 'Homebrew is not installed: get it from https://brew.sh first.';
  if (host.packageManager === 'winget') return 'winget comes with "App Installer" from the Microsoft Store.';
  return undefined;
}

function join(...parts: Array<string | undefined | false>): string | undefined {
  const text = parts.filter(Boolean).join(' ');
  return text === '' ? undefined : text;
}

function withNote(hint: InstallHint, note: string | undefined): InstallHint {
  return note ? { ...hint, note } : hint;
}
