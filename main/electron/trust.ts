/** Where the app's own renderer lives: the built page, and the dev server while developing. */
export interface RendererLocation {
  fileUrl: URL;
  devUrl?: URL;
}

/**
 * True when `url` is our own renderer: the built index.html (any query or hash) or, in development,
 * a page on the dev server's origin. Pure, so it is tested without Electron.
 */
export function isOwnRendererUrl(
  url: string | undefined,
  location: RendererLocation,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.devUrl && parsed.origin !== 'null' && parsed.origin === location.devUrl.origin) return true;
  const { fileUrl } = location;
  if (parsed.protocol !== 'file:' || parsed.host !== fileUrl.host) return false;
  // Chromium and Node may percent-encode a path differently, and Windows paths ignore case.
  const a = decodePath(parsed.pathname);
  const b = decodePath(fileUrl.pathname);
  return a !== undefined && (platform === 'win32' ? a.toLowerCase() === b?.toLowerCase() : a === b);
}

function decodePath(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}
