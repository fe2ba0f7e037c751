/**
 * Fonts for PNG output. Graphviz (WASM) sizes every box with Helvetica metrics, so the PNG
 * must be drawn with a font of about Helvetica's width, or text spills out of its box. We
 * look for one at well-known paths and load only it: this is also much faster than letting
 * resvg scan every system font.
 */
import { existsSync } from 'node:fs';

/** Regular and bold files per family, most Helvetica-like first. */
const CANDIDATES: { family: string; files: string[][] }[] = [
  {
    family: 'Liberation Sans',
    files: [
      [
        '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
        '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
      ],
      [
        '/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf',
        '/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf',
      ],
      [
        '/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf',
        '/usr/share/fonts/liberation-sans/LiberationSans-Bold.ttf',
      ],
      ['/usr/share/fonts/TTF/LiberationSans-Regular.ttf', '/usr/share/fonts/TTF/LiberationSans-Bold.ttf'],
    ],
  },
  { family: 'Helvetica', files: [['/System/Library/Fonts/Helvetica.ttc']] },
  {
    family: 'Arial',
    files: [
      ['/System/Library/Fonts/Supplemental/Arial.ttf', '/System/Library/Fonts/Supplemental/Arial Bold.ttf'],
      ['/Library/Fonts/Arial.ttf', '/Library/Fonts/Arial Bold.ttf'],
      ['C:\\Windows\\Fonts\\arial.ttf', 'C:\\Windows\\Fonts\\arialbd.ttf'],
    ],
  },
  {
    family: 'Arimo',
    files: [
      [
        '/usr/share/fonts/truetype/croscore/Arimo-Regular.ttf',
        '/usr/share/fonts/truetype/croscore/Arimo-Bold.ttf',
      ],
    ],
  },
  {
    family: 'Nimbus Sans',
    files: [
      [
        '/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf',
        '/usr/share/fonts/opentype/urw-base35/NimbusSans-Bold.otf',
      ],
    ],
  },
  {
    // Condensed: plain DejaVu Sans is ~15% wider than Helvetica and overflows the boxes.
    family: 'DejaVu Sans Condensed',
    files: [
      [
        '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf',
        '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf',
      ],
      ['/usr/share/fonts/TTF/DejaVuSansCondensed.ttf', '/usr/share/fonts/TTF/DejaVuSansCondensed-Bold.ttf'],
      [
        '/usr/share/fonts/dejavu/DejaVuSansCondensed.ttf',
        '/usr/share/fonts/dejavu/DejaVuSansCondensed-Bold.ttf',
      ],
      [
        '/usr/share/fonts/dejavu-sans-fonts/DejaVuSansCondensed.ttf',
        '/usr/share/fonts/dejavu-sans-fonts/DejaVuSansCondensed-Bold.ttf',
      ],
    ],
  },
];

export interface PngFonts {
  family?: string;
  fontFiles: string[];
  /** True when no known font was found and resvg must scan the system. */
  loadSystemFonts: boolean;
}

let cached: PngFonts | undefined;

export function pngFonts(): PngFonts {
  if (cached) return cached;
  const override = process.env.ETLCTL_GRAPH_FONT;
  if (override && existsSync(override)) return (cached = { fontFiles: [override], loadSystemFonts: false });
  for (const c of CANDIDATES) {
    for (const set of c.files) {
      if (!existsSync(set[0])) continue;
      return (cached = {
        family: c.family,
        fontFiles: set.filter((f) => existsSync(f)),
        loadSystemFonts: false,
      });
    }
  }
  return (cached = { fontFiles: [], loadSystemFonts: true });
}
