import { readFile } from 'node:fs/promises';
import type { LinuxFamily } from '../../../shared/system';

/** The fields of os-release(5) that say which distribution this is. */
export interface OsRelease {
  /** Lower-case id, e.g. "ubuntu"; "linux" when the file has none (the spec's default). */
  id: string;
  /** Distributions this one derives from, closest first, e.g. ["ubuntu", "debian"] for Linux Mint. */
  idLike: string[];
  name: string;
  prettyName: string;
  versionId?: string;
}

/**
 * Parses os-release(5): shell-style `KEY=value` lines, values optionally in single or double
 * quotes, backslash escapes inside double quotes, `#` comments. Pure, so each distribution's real
 * file can be tested as shipped.
 */
export function parseOsRelease(text: string): OsRelease {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) fields[match[1]!] = unquote(match[2]!);
  }
  const name = fields.NAME || 'Linux';
  return {
    id: (fields.ID || 'linux').toLowerCase(),
    idLike: (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    name,
    prettyName: fields.PRETTY_NAME || [name, fields.VERSION].filter(Boolean).join(' '),
    ...(fields.VERSION_ID ? { versionId: fields.VERSION_ID } : {}),
  };
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\([\\$"`])/g, '$1');
  return v;
}

const FAMILIES: ReadonlyArray<[LinuxFamily, readonly string[]]> = [
  ['debian', ['debian', 'ubuntu']],
  ['fedora', ['fedora', 'rhel', 'centos']],
  ['arch', ['arch', 'archlinux']],
  ['suse', ['suse', 'opensuse', 'sles']],
  ['alpine', ['alpine']],
];

/** The family a distribution belongs to: its own id first, then what it says it is like. */
export function linuxFamily(release: Pick<OsRelease, 'id' | 'idLike'>): LinuxFamily {
  for (const id of [release.id, ...release.idLike]) {
    // "opensuse-tumbleweed", "opensuse-leap": the part before the dash names the family.
    const base = id.split('-')[0]!;
    const family = FAMILIES.find(([, ids]) => ids.includes(id) || ids.includes(base));
    if (family) return family[0];
  }
  return 'other';
}

/** The first of the standard locations that can be read; undefined when neither can. */
export async function readOsRelease(files: readonly string[] = ['/etc/os-release', '/usr/lib/os-release']): Promise<OsRelease | undefined> {
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return parseOsRelease(text);
  }
  return undefined;
}
