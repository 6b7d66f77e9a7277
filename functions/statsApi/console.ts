import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import uplotJs from 'uplot/dist/uPlot.iife.min.js?raw';
import uplotCss from 'uplot/dist/uPlot.min.css?raw';
import page from './console.html?raw';
import { worldMapSvg } from './world-map.ts';

/**
 * GET /console: the tenant console as one self-contained page (the chart library inlined at bundle
 * time, the world map projected from Natural Earth data in the bundle, no other origin). The tenant key is typed into the page and kept in session storage; the
 * page reads /v1/stats with it. Inline code runs only with this response's nonce.
 */
export function consolePage(): APIGatewayProxyResultV2 {
  const nonce = randomBytes(16).toString('base64');
  const html = page
    .replaceAll('{{nonce}}', nonce)
    .replace('/*{{uplot.css}}*/', () => uplotCss)
    .replace('/*{{uplot.js}}*/', () => uplotJs)
    .replace('<!--{{world.svg}}-->', () => worldMapSvg());
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    body: html,
  };
}
