/**
 * A provider's version as a chip. A pinned commit (40 hex digits) is cut to the 12 that git itself
 * shows, the whole one in the tooltip: it would otherwise push the name off a narrow card.
 */
export function VersionChip({ version }: { version: string }) {
  const commit = /^[0-9a-f]{40}$/i.test(version);
  return (
    <span className="chip mono" title={commit ? `commit ${version}` : undefined} data-testid="version-chip">
      {commit ? version.slice(0, 12) : version}
    </span>
  );
}
