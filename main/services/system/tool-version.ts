/**
 * Reads a version out of what a tool prints for `--version`. Pure, so each tool's real output
 * can be tested as recorded.
 */
export function parseToolVersion(toolId: string, output: string): string | undefined {
  const text = output.replace(/\r/g, '');
  const special = SPECIAL[toolId]?.(text);
  if (special) return special;
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  // Most tools put the version on their first line; the rest may mention licence versions.
  return (
    firstVersion(lines[0] ?? '') ??
    lines
      .filter((line) => /version/i.test(line))
      .map(firstVersion)
      .find(Boolean) ??
    firstVersion(text)
  );
}

function firstVersion(text: string): string | undefined {
  return /\bv?(\d+\.\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z]+)*)/.exec(text)?.[1]?.replace(/[-+.]$/, '');
}

const SPECIAL: Record<string, (text: string) => string | undefined> = {
  // "go version go1.22.1 linux/amd64"
  go: (text) => /\bgo(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1],
  // "Cuda compilation tools, release 12.4, V12.4.131"
  nvcc: (text) => /release [\d.]+, V(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1],
  // "DRIVER version : 550.54.14" (newer drivers) or the banner "NVIDIA-SMI 550.54.14"
  'nvidia-smi': (text) =>
    /DRIVER version\s*:\s*(\d+(?:\.\d+)+)/i.exec(text)?.[1] ?? /NVIDIA-SMI (?:version\s*:\s*)?(\d+(?:\.\d+)+)/i.exec(text)?.[1],
  // "ROCM-SMI version: 2.3.1+7f1c7a4": the tool's version; the commit after "+" is not part of it.
  'rocm-smi': (text) => /ROCM-SMI version:\s*(\d+(?:\.\d+)+)/i.exec(text)?.[1],
  // "Microsoft (R) C/C++ Optimizing Compiler Version 19.38.33134 for x64"
  msvc: (text) => /Compiler Version (\d+(?:\.\d+)+)/i.exec(text)?.[1],
  // "gcc (Debian 12.2.0-14+deb12u1) 12.2.0": the last token of the first line is the version.
  gcc: (text) => /\)\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(text.split('\n')[0] ?? '')?.[1],
};
