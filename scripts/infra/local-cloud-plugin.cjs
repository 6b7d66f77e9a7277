'use strict';

// Makes the framework's own local commands meet the local cloud of `npm start`:
// - `osls invoke local` runs a function's bundle (serverless-esbuild writes `.mjs`, which osls does
//   not look for by itself) against the emulators of a running `npm start`, found through the file
//   `npm start` writes while it runs; without one it says so instead of calling AWS.
// - `osls offline` alone would serve functions with no DynamoDB, S3 or SQS behind them and without
//   the gateway of `npm start` in front: it refuses with a message saying to run `npm start`.
const { existsSync, readFileSync } = require('node:fs');
const { connect } = require('node:net');
const { join } = require('node:path');

const RUNNING_FILE =
  process.env.LOCAL_CLOUD_RUNNING_FILE ?? join(__dirname, '../../.local-cloud/running.json');

class LocalCloudPlugin {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = {
      initialize: () => this.refuseOfflineAlone(),
      // Checked before serverless-esbuild bundles: a failure after it leaves its build contexts open,
      // and the process would never exit.
      'before:invoke:local:loadEnvVars': () => this.findLocalCloud(),
      'before:invoke:local:invoke': () => this.pointAtLocalCloud(),
    };
  }

  error(message) {
    const ServerlessError = this.serverless.classes.Error;
    return new ServerlessError(message, 'CIAM_LOCAL_CLOUD');
  }

  refuseOfflineAlone() {
    const [command] = this.serverless.processedInput?.commands ?? [];
    if (command !== 'offline' || process.env.CIAM_LOCAL_CLOUD === '1') return;
    throw this.error(
      '`osls offline` alone has no DynamoDB, S3 or SQS to talk to and no API Gateway in front of the ' +
        'functions. Run `npm start` instead: it starts the emulators, the HTTP API and serverless-offline.',
    );
  }

  async findLocalCloud() {
    const stage = this.serverless.service.provider.stage;
    if (!existsSync(RUNNING_FILE))
      throw this.error('`osls invoke local` runs against the local cloud: start it first with `npm start`.');
    const cloud = JSON.parse(readFileSync(RUNNING_FILE, 'utf8'));
    if (cloud.stage !== stage)
      throw this.error(
        `\`npm start\` runs stage ${cloud.stage}: pass --stage ${cloud.stage} to invoke its functions.`,
      );
    if (!(await answers(cloud.dynamodbEndpoint)) || !(await answers(cloud.awsEndpoint)))
      throw this.error(
        'The local cloud of `npm start` is not running any more: start it again with `npm start`.',
      );
    this.cloud = cloud;
  }

  pointAtLocalCloud() {
    // After osls loaded the function's configured environment: the emulators' endpoints win.
    Object.assign(process.env, this.cloud.functionEnv);
    // The bundle is `<handler>.mjs`; osls would look for `.js` or `.cjs` only.
    const fn = this.options.functionObj;
    const at = fn.handler.lastIndexOf('.');
    if (!fn.handler.slice(0, at).endsWith('.mjs'))
      fn.handler = `${fn.handler.slice(0, at)}.mjs${fn.handler.slice(at)}`;
  }
}

/** Whether something accepts a TCP connection at `endpoint` within a second. */
function answers(endpoint) {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

module.exports = LocalCloudPlugin;
