// Validates rendered objects against the Kubernetes OpenAPI schemas (kubernetes-models: the upstream
// definitions compiled for ajv): types, required fields, enums and formats of every field the chart sets.
// Unknown fields are refused by strict.ts, as kubeconform -strict does.
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { K8sObject } from './chart.ts';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

/** One line per schema violation, naming the object and the failing field. */
export function schemaProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { __file, ...object } of objects) {
    const Model = MODELS[`${object.apiVersion}/${object.kind}`];
    if (!Model) continue;
    try {
      new Model(object as never).validate();
    } catch (err) {
      problems.push(`${__file} ${object.kind}/${object.metadata?.name}: schema: ${(err as Error).message}`);
    }
  }
  return problems;
}
