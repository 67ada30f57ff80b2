#!/usr/bin/env node
// Draws the app and tray icons into assets/ as PNGs. No dependencies, so anyone can re-run it after
// changing the design: `node scripts/make-icons.mjs`. The PNGs are committed; the build only reads them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const OUT = new URL('../assets/', import.meta.url);
const SUPERSAMPLE = 4; // 4x4 samples per pixel: smooth edges without a rasteriser

const FROM = [99, 102, 241]; // indigo
const TO = [14, 165, 233]; // sky

// ---- shapes, in the design's own units ----

function inRoundRect(x, y, cx, cy, halfW, halfH, r) {
  const dx = Math.max(Math.abs(x - cx) - (halfW - r), 0);
  const dy = Math.max(Math.abs(y - cy) - (halfH - r), 0);
  return Math.abs(x - cx) <= halfW && Math.abs(y - cy) <= halfH && dx * dx + dy * dy <= r * r;
}

function inCircle(x, y, cx, cy, r) {
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function gradient(x, y, size, darken = 0) {
  const t = Math.min(Math.max((x + y) / (2 * size), 0), 1);
  return [...FROM.map((a, i) => (a + (TO[i] - a) * t) * (1 - darken)), 255];
}

/** Pins along the four sides of a chip centred at (c, c). */
function inPins(x, y, c, bodyHalf, count, pitch, pinHalfW, pinLen) {
  const first = -((count - 1) * pitch) / 2;
  for (let i = 0; i < count; i++) {
    const offset = c + first + i * pitch;
    const reach = bodyHalf + pinLen / 2;
    if (inRoundRect(x, y, offset, c - reach, pinHalfW, pinLen / 2, pinHalfW * 0.6)) return true;
    if (inRoundRect(x, y, offset, c + reach, pinHalfW, pinLen / 2, pinHalfW * 0.6)) return true;
    if (inRoundRect(x, y, c - reach, offset, pinLen / 2, pinHalfW, pinHalfW * 0.6)) return true;
    if (inRoundRect(x, y, c + reach, offset, pinLen / 2, pinHalfW, pinHalfW * 0.6)) return true;
  }
  return false;
}

/** An "L" and a dot: Local LLM. Coordinates relative to the chip's centre, scaled by `k`. */
function inGlyph(x, y, c, k) {
  const u = (x - c) / k;
  const v = (y - c) / k;
  return (
    inRoundRect(u, v, -30, -2, 17, 56, 5) || // stem
    inRoundRect(u, v, 8, 38, 55, 16, 5) || // foot
    inCircle(u, v, 36, -34, 17) // the model "spark"
  );
}

// ---- scenes: (x, y) in design units -> RGBA or null ----

/** 512-unit app icon: gradient rounded square, white chip, gradient glyph cut into the chip. */
function appIcon(x, y) {
  const S = 512;
  const c = S / 2;
  if (!inRoundRect(x, y, c, c, 224, 224, 100)) return null;
  const body = inRoundRect(x, y, c, c, 118, 118, 30);
  if (body && inGlyph(x, y, c, 1.25)) return gradient(x, y, S, 0.12);
  if (body || inPins(x, y, c, 118, 4, 52, 11, 40)) return [255, 255, 255, 245];
  const lift = Math.max(0, 1 - y / (S * 0.55)) * 0.12; // a faint top highlight gives it some depth
  return gradient(x, y, S).map((v, i) => (i < 3 ? v + (255 - v) * lift : v));
}

/**
 * 16-unit tray glyph, drawn on whole pixels so it stays crisp at 16px: a bold chip with two pins a
 * side and the glyph cut out. `paint` colours the chip (brand gradient, or black for macOS templates).
 */
function trayGlyph(x, y, paint) {
  const body = inRoundRect(x, y, 8, 8, 5, 5, 1.5);
  const glyph = inRoundRect(x, y, 6, 8, 1, 3, 0.3) || inRoundRect(x, y, 8, 10, 3, 1, 0.3) || inCircle(x, y, 10, 6, 1.1);
  if (body && glyph) return null;
  if (body || inPins(x, y, 8, 5, 2, 4, 1, 2)) return paint(x, y);
  return null;
}

/** Inside the triangle (a, b, c)? Same side of all three edges. */
function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const side = (x1, y1, x2, y2) => (x - x2) * (y1 - y2) - (x1 - x2) * (y - y2);
  const d1 = side(ax, ay, bx, by);
  const d2 = side(bx, by, cx, cy);
  const d3 = side(cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** The same triangle grown around its centroid, for the gap that separates the badge from the chip. */
function grown(points, k) {
  const cx = points.reduce((s, p) => s + p[0], 0) / 3;
  const cy = points.reduce((s, p) => s + p[1], 0) / 3;
  return points.map(([x, y]) => [cx + (x - cx) * k, cy + (y - cy) * k]);
}

const WARN_TRIANGLE = [
  [12.5, 9],
  [8.9, 15.4],
  [16.1, 15.4],
];

/**
 * State badges in the bottom-right corner, each a different shape so they still read on macOS,
 * where template images lose their colour: a dot (running, all healthy), a triangle (something
 * unhealthy or failed), none (nothing running). A transparent ring keeps the badge off the chip.
 */
const BADGES = {
  idle: null,
  ok: { inside: (x, y) => inCircle(x, y, 12.6, 12.6, 3), gap: (x, y) => inCircle(x, y, 12.6, 12.6, 4.4) },
  warn: {
    inside: (x, y) => inTriangle(x, y, ...WARN_TRIANGLE),
    gap: (x, y) => inTriangle(x, y, ...grown(WARN_TRIANGLE, 1.45)),
  },
};

function trayIcon(state, paint, badgePaint) {
  const badge = BADGES[state];
  return (x, y) => {
    if (badge?.inside(x, y)) return badgePaint(x, y);
    if (badge?.gap(x, y)) return null;
    return trayGlyph(x, y, paint);
  };
}

// ---- rasterise and encode ----

function render(scene, designSize, pixels) {
  const data = Buffer.alloc(pixels * pixels * 4);
  const unit = designSize / pixels;
  const n = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < pixels; py++) {
    for (let px = 0; px < pixels; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0; // premultiplied sums, so edges do not go dark
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE) * unit;
          const y = (py + (sy + 0.5) / SUPERSAMPLE) * unit;
          const rgba = scene(x, y);
          if (!rgba) continue;
          const alpha = rgba[3] / 255;
          r += rgba[0] * alpha;
          g += rgba[1] * alpha;
          b += rgba[2] * alpha;
          a += alpha;
        }
      }
      const o = (py * pixels + px) * 4;
      if (a > 0) {
        data[o] = Math.round(r / a);
        data[o + 1] = Math.round(g / a);
        data[o + 2] = Math.round(b / a);
        data[o + 3] = Math.round((a / n) * 255);
      }
    }
  }
  return encodePng(data, pixels, pixels);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, body) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

function encodePng(rgba, width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const brand = (x, y) => gradient(x, y, 16);
const black = () => [0, 0, 0, 255];
const green = () => [63, 185, 80, 255]; // the UI's "running" colour
const orange = () => [240, 136, 62, 255]; // the UI's "unhealthy" colour

// 1024 px: macOS's .icns wants a 512@2x image, and electron-builder makes every platform's icon from this one.
const icons = [['icon.png', appIcon, 512, 1024]];
for (const [state, badgeColour] of [
  ['idle', black],
  ['ok', green],
  ['warn', orange],
]) {
  // Linux and Windows: a coloured glyph and badge read on both light and dark panels.
  icons.push([`tray-${state}.png`, trayIcon(state, brand, badgeColour), 16, 16]);
  icons.push([`tray-${state}@2x.png`, trayIcon(state, brand, badgeColour), 16, 32]);
  // macOS: "Template" images are recoloured by the menu bar for light/dark mode; the badge's shape carries the state.
  icons.push([`trayTemplate-${state}.png`, trayIcon(state, black, black), 16, 16]);
  icons.push([`trayTemplate-${state}@2x.png`, trayIcon(state, black, black), 16, 32]);
}

mkdirSync(OUT, { recursive: true });
for (const [name, scene, designSize, pixels] of icons) {
  writeFileSync(new URL(name, OUT), render(scene, designSize, pixels));
  console.log(`assets/${name} (${pixels}x${pixels})`);
}
