// Refuses fields the Kubernetes API does not know, as `kubeconform -strict` does: the compiled schemas in
// schemas.ts check types but let unknown keys through, so each object is walked against the field maps
// of @kubernetes/client-node's generated models (one per API type, from the same upstream OpenAPI).
import * as k8s from '@kubernetes/client-node';
import type { K8sObject } from './chart.ts';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
}
type ModelClass = { getAttributeTypeMap(): Attribute[] };

const models = k8s as unknown as Record<string, ModelClass | undefined>;
const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/** The model type of a top-level object: apps/v1 Deployment → V1Deployment. */
function rootType(o: K8sObject): string {
  const version = String(o.apiVersion).split('/').pop() ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${o.kind}`;
}

function walk(value: unknown, type: string, at: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const list = ARRAY.exec(type);
  if (list) {
    if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, list[1], `${at}[${i}]`, out);
    return;
  }
  const map = MAP.exec(type);
  if (map) {
    for (const [k, v] of Object.entries(value as object)) walk(v, map[1], `${at}.${k}`, out);
    return;
  }
  const model = models[type];
  if (typeof model?.getAttributeTypeMap !== 'function' || typeof value !== 'object') return;
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value as object)) {
    const fieldType = fields.get(k);
    if (fieldType === undefined) out.push(`${at ? `${at}.` : ''}${k} is not a field of ${type}`);
    else walk(v, fieldType, at ? `${at}.${k}` : k, out);
  }
}

/** One line per unknown field, naming the object and the field's path. */
export function unknownFields(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { __file, ...object } of objects) {
    const type = rootType(object as K8sObject);
    if (typeof models[type]?.getAttributeTypeMap !== 'function') {
      problems.push(`${__file} ${object.kind}: no API type ${type}`);
      continue;
    }
    const found: string[] = [];
    walk(object, type, '', found);
    for (const f of found) problems.push(`${__file} ${object.kind}/${object.metadata?.name}: strict: ${f}`);
  }
  return problems;
}
