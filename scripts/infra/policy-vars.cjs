// Bridge from serverless.yml (`${file(...)}` loads CommonJS) to the TypeScript policy module, so the
// numbers in the CloudFormation template are computed from the policy's declarations, not retyped.
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./policy-vars.ts', __filename).policyVars;
