import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import uplotJs from 'uplot/dist/uPlot.iife.min.js?raw';
import uplotCss from 'uplot/dist/uPlot.min.css?raw';
import page from './console.html?raw';
import logsView from './console-logs.html?raw';
import { worldMapSvg } from './world-map.ts';

/** A fresh nonce for one page response: inline code and styles run only with it. */
export const pageNonce = () => randomBytes(16).toString('base64');

/**
 * The headers of a console page: a CSP that allows nothing from any other origin and only the
 * response's own inline elements; never cached, since the nonce must not be served twice.
 */
export function pageHeaders(nonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * GET /console: the tenant console as one self-contained page (the chart library inlined at bundle
 * time, the world map projected from the Natural Earth data in the bundle, no other origin). The
 * tenant key is typed into the page and kept in session storage; the page reads /v1/stats and
 * /v1/stats/range with it, and its Logs view (console-logs.html) the /v1/logs routes. Inline code runs only with this response's nonce.
 */
export function consolePage(): APIGatewayProxyResultV2 {
  const nonce = pageNonce();
  // The Logs view first, so that its elements get the nonce too.
  const html = page
    .replace('<!--{{logs.html}}-->', () => logsView)
    .replaceAll('{{nonce}}', nonce)
    .replace('/*{{uplot.css}}*/', () => uplotCss)
    .replace('/*{{uplot.js}}*/', () => uplotJs)
    .replace('<!--{{world.svg}}-->', () => worldMapSvg());
  return { statusCode: 200, headers: pageHeaders(nonce), body: html };
}
