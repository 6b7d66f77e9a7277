'use strict';

// serverless-iam-roles-per-function gives every function a role of its own, yet the framework still
// compiles its shared default role `IamRoleLambdaExecution` (with log-group wildcards) into the
// template. No function assumes it, so it is removed before the template is written: a role no one
// uses is only a grant waiting to be misused.
class DropUnusedDefaultRole {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.drop() };
  }

  drop() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const resources = template.Resources ?? {};
    if (!resources.IamRoleLambdaExecution) return;
    const { IamRoleLambdaExecution: _unused, ...others } = resources;
    const rest = JSON.stringify({ ...template, Resources: others });
    if (rest.includes('"IamRoleLambdaExecution"')) return;
    delete resources.IamRoleLambdaExecution;
    this.serverless.cli.log(
      'Removed the unused default role IamRoleLambdaExecution (every function has its own)',
    );
  }
}

module.exports = DropUnusedDefaultRole;
