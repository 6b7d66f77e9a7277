'use strict';

// The framework and serverless-iam-roles-per-function add `DependsOn` entries that a `Ref` or
// `Fn::GetAtt` in the same resource already implies (a function on its role, a route on its
// integration). CloudFormation derives those dependencies itself; `cfn-lint` flags each as W3005.
// They are removed before the template is written, so the packaged template lints clean.
class DropRedundantDependsOn {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.drop() };
  }

  drop() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources ?? {};
    for (const resource of Object.values(resources)) {
      if (resource.DependsOn === undefined) continue;
      const implied = referencedIds(resource.Properties);
      const kept = [resource.DependsOn].flat().filter((id) => !implied.has(id));
      if (kept.length === 0) delete resource.DependsOn;
      else resource.DependsOn = kept.length === 1 ? kept[0] : kept;
    }
  }
}

/** Logical ids named by `Ref`, `Fn::GetAtt` or `${Id}` in `Fn::Sub` anywhere inside `node`. */
function referencedIds(node, found = new Set()) {
  if (Array.isArray(node)) for (const item of node) referencedIds(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string') found.add(value);
      else if (key === 'Fn::GetAtt') found.add(Array.isArray(value) ? value[0] : String(value).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(value) ? value[0] : value;
        for (const [, id] of String(text).matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g)) found.add(id);
        if (Array.isArray(value)) referencedIds(value[1], found);
      }
      referencedIds(value, found);
    }
  }
  return found;
}

module.exports = DropRedundantDependsOn;
