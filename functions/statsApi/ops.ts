import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import uplotJs from 'uplot/dist/uPlot.iife.min.js?raw';
import uplotCss from 'uplot/dist/uPlot.min.css?raw';
import { pageHeaders, pageNonce } from './console.ts';
import page from './ops.html?raw';

/**
 * GET /ops: the operator console, self-contained like the tenant console (same CSP, same key
 * handling: the operator key is typed into the page and kept in session storage). The routes it
 * reads refuse anything but the operator key.
 */
export function opsPage(): APIGatewayProxyResultV2 {
  const nonce = pageNonce();
  const html = page
    .replaceAll('{{nonce}}', nonce)
    .replace('/*{{uplot.css}}*/', () => uplotCss)
    .replace('/*{{uplot.js}}*/', () => uplotJs);
  return { statusCode: 200, headers: pageHeaders(nonce), body: html };
}
