import { geoEqualEarth, geoPath } from 'd3-geo';
import isoCodes from 'i18n-iso-countries/codes.json' with { type: 'json' };
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json' with { type: 'json' };

/** One country shape of the console's world map, already projected (SVG path data). */
export interface MapShape {
  /** ISO 3166-1 alpha-2 code; absent for the few Natural Earth shapes without an ISO number. */
  code?: string;
  name: string;
  d: string;
}

export const MAP_WIDTH = 960;
export const MAP_HEIGHT = 470;

let shapes: MapShape[] | undefined;

/**
 * ISO 3166-1 numeric -> alpha-2, from the code list of i18n-iso-countries (only that list: the
 * package's entry point would bundle the country names of every language).
 */
const alpha2ByNumeric = new Map((isoCodes as string[][]).map(([alpha2, , numeric]) => [numeric, alpha2]));

/**
 * Natural Earth's 1:110m countries (world-atlas), projected once per container with Equal Earth
 * (areas true to size, as a choropleth needs) into a 960 x 470 box; the page only colours them.
 */
export function worldMapShapes(): MapShape[] {
  if (shapes) return shapes;
  const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries);
  const projection = geoEqualEarth().fitSize([MAP_WIDTH, MAP_HEIGHT], collection);
  const path = geoPath(projection).digits(1);
  shapes = collection.features.flatMap((f) => {
    const d = path(f);
    if (!d) return [];
    const code = f.id === undefined ? undefined : alpha2ByNumeric.get(String(f.id));
    return [{ ...(code ? { code } : {}), name: f.properties?.name ?? '', d }];
  });
  return shapes;
}

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The map as inline SVG markup: one path per shape, keyed by data-iso for the page's colouring. */
export function worldMapSvg(): string {
  const paths = worldMapShapes()
    .map(
      (s) =>
        `<path d="${s.d}"${s.code ? ` data-iso="${s.code}"` : ''} data-name="${escapeXml(s.name)}"></path>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" xmlns="http://www.w3.org/2000/svg" data-map aria-hidden="true" focusable="false">${paths}</svg>`;
}
