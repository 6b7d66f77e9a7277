// Bridge from serverless.yml to the catch-all function: the list of the HTTP API's routes, read
// from serverless.yml itself (by the framework's own reader), so the function's route table can
// never drift from the routes API Gateway is given. Loaded as `${file(./scripts/infra/http-routes.cjs)}`.
const { join } = require('node:path');
const readConfiguration = require('osls/lib/configuration/read');

module.exports = async () => {
  const { routeKeyOf } = require('tsx/cjs/api').require(
    '../../functions/routeNotFound/routes.ts',
    __filename,
  );
  const configuration = await readConfiguration(join(__dirname, '../../serverless.yml'));
  const routes = Object.values(configuration.functions ?? {})
    .flatMap((fn) => fn.events ?? [])
    .map((event) => routeKeyOf(event.httpApi))
    .filter((route) => route && route.path !== '*')
    .map((route) => `${route.method} ${route.path}`);
  return [...new Set(routes)].join(', ');
};
